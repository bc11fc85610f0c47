/**
 * How bridged calls end, through the embedded product: the bot closing its socket, the `vr3`
 * commands (`hangup`, `transfer`, `set_context`, `event`), and the bot failing — unreachable,
 * refusing the upgrade, never answering it, dropping mid-call. Each ending is checked where it
 * shows: the provider's REST API (hangup / transfer requests), the caller's socket, the bot's
 * socket, the run record and its events.
 */
import { describe, expect, it } from 'vitest';
import type { BridgeProtocol as BotProtocol } from '@vr3/engine-bridge';
import type { TestBot, TestBotConnection } from '@vr3/engine-bridge/testing';
import {
  arrivalOf,
  bridgeSuite,
  closedPort,
  createAgent,
  finalRun,
  hangupRequestOf,
  providerActions,
  receivedMs,
  runEvents,
  sleep,
  toneIn,
  waitForHangupRequest,
  type BridgeCall,
  type CallerProvider,
} from '../harness/bridge.ts';
import { eventually } from '../harness/product.ts';

const suite = bridgeSuite();
const bridgeAgent = suite.botAgent;

/** A call whose client acknowledges marks after playout, as a provider does. */
function call(provider: CallerProvider, agentUuid: string): Promise<BridgeCall> {
  return suite.call(provider, agentUuid, { client: { ackMode: 'playout' } });
}

async function connected(bot: TestBot): Promise<TestBotConnection> {
  const conn = await bot.nextConnection();
  await conn.waitForStart();
  return conn;
}

/** The run's `log` events (what the bridge says about a failure). */
async function logEvents(runId: string): Promise<any[]> {
  return (await runEvents(suite.rig.product, runId)).filter((e) => e.type === 'log').map((e) => e.data);
}

describe('the bot ends the call', () => {
  const CASES: Array<{ caller: CallerProvider; bot: BotProtocol }> = [
    { caller: 'twilio', bot: 'exotel' },
    { caller: 'plivo', bot: 'vobiz' },
  ];
  it.each(CASES.map((k) => [`${k.caller} caller → ${k.bot} bot`, k] as const))(
    '%s: the bot closes its socket (1000): its queued audio plays out, then the provider hangs up; completed/agent_hangup',
    async (_name, k) => {
      const { bot, agentUuid } = await bridgeAgent(k.bot, 'listen');
      const c = await call(k.caller, agentUuid);
      const conn = await connected(bot);
      const sentAt = performance.now();
      conn.sendAudio(toneIn(conn.botFormat, 800));
      await conn.close(1000);
      const hangup = await waitForHangupRequest(suite.rig, c);
      // The audio the bot sent before closing was played to the caller before the hangup.
      expect(hangup.at - sentAt).toBeGreaterThanOrEqual(800 - 100);
      expect(receivedMs(c.client)).toBeGreaterThanOrEqual(800 - 20);
      expect((await c.client.waitForClose()).code).toBe(1000);
      expect(await finalRun(suite.rig.product, c.runId)).toMatchObject({ state: 'completed', end_reason: 'agent_hangup' });
    },
  );

  it('vobiz caller → vr3 bot: hangup{reason} plays the queued audio, then the provider hangs up; the bot gets stop and 1000', async () => {
    const { bot, agentUuid } = await bridgeAgent('vr3', 'listen');
    const c = await call('vobiz', agentUuid);
    const conn = await connected(bot);
    const sentAt = performance.now();
    conn.sendAudio(toneIn(conn.botFormat, 600));
    conn.sendJson({ event: 'hangup', reason: 'goodbye said' });
    const hangup = await waitForHangupRequest(suite.rig, c);
    expect(hangup.at - sentAt).toBeGreaterThanOrEqual(600 - 100);
    expect(receivedMs(c.client)).toBeGreaterThanOrEqual(600 - 20);
    expect((await c.client.waitForClose()).code).toBe(1000);
    expect((await conn.waitForClose()).code).toBe(1000);
    expect(conn.events.find((e) => e.type === 'stop')).toEqual({ type: 'stop', reason: 'agent_hangup' });
    expect(await finalRun(suite.rig.product, c.runId)).toMatchObject({ state: 'completed', end_reason: 'agent_hangup' });
  });

  const TRANSFERS: Array<{ caller: 'twilio' | 'plivo'; target: string }> = [
    { caller: 'twilio', target: '<Response><Dial>+15550009</Dial></Response>' },
    { caller: 'plivo', target: 'https://example.test/answer/next' },
  ];
  it.each(TRANSFERS.map((k) => [k.caller, k] as const))('%s caller → vr3 bot: transfer{target} reaches the provider API; completed/transfer, no hangup', async (_name, k) => {
    const { bot, agentUuid } = await bridgeAgent('vr3', 'listen');
    const c = await call(k.caller, agentUuid);
    const conn = await connected(bot);
    const sentAt = performance.now();
    conn.sendAudio(toneIn(conn.botFormat, 400));
    conn.sendJson({ event: 'transfer', target: k.target });
    const api = suite.rig.apis[k.caller];
    const request = await eventually(async () => providerActions(suite.rig, c).find((r) => r.method === 'POST' && !r.body.includes('Status=')), 5000, 10);
    expect(api.transfers.filter((t) => t.callId === c.restCallId)).toEqual([{ callId: c.restCallId, target: k.target }]);
    // After the queued audio played.
    expect(arrivalOf(request) - sentAt).toBeGreaterThanOrEqual(400 - 100);
    expect(receivedMs(c.client)).toBeGreaterThanOrEqual(400 - 20);
    expect((await c.client.waitForClose()).code).toBe(1000);
    expect((await conn.waitForClose()).code).toBe(1000);
    expect(conn.events.find((e) => e.type === 'stop')).toEqual({ type: 'stop', reason: 'transfer' });
    expect(await finalRun(suite.rig.product, c.runId)).toMatchObject({ state: 'completed', end_reason: 'transfer' });
    // A transfer is not a hangup: the only request that changed the call is the transfer.
    const hangup = hangupRequestOf(suite.rig, c)!;
    expect(providerActions(suite.rig, c).filter((r) => r.method === hangup.method && (k.caller !== 'twilio' || r.body.includes('Status=')))).toEqual([]);
  });
});

describe('vr3 run events and context', () => {
  it('cloudonix caller → vr3 bot: set_context and event are stored on the run in order; gathered_context has the values', async () => {
    const { bot, agentUuid } = await bridgeAgent('vr3', 'listen');
    const c = await call('cloudonix', agentUuid);
    const conn = await connected(bot);
    conn.sendJson({ event: 'event', data: { kind: 'tool_call', name: 'lookup', n: 1 } });
    conn.sendJson({ event: 'set_context', values: { intent: 'billing', customer_id: 'C-42' } });
    conn.sendJson({ event: 'event', data: { kind: 'note', n: 2 } });
    conn.sendJson({ event: 'set_context', values: { intent: 'refund' } });
    const mine = (events: Awaited<ReturnType<typeof runEvents>>) => events.filter((e) => e.type === 'event' || e.type === 'context');
    const events = await eventually(async () => {
      const list = mine(await runEvents(suite.rig.product, c.runId));
      return list.length >= 4 ? list : undefined;
    }, 5000);
    expect(events.map((e) => ({ type: e.type, data: e.data }))).toEqual([
      { type: 'event', data: { kind: 'tool_call', name: 'lookup', n: 1 } },
      { type: 'context', data: { intent: 'billing', customer_id: 'C-42' } },
      { type: 'event', data: { kind: 'note', n: 2 } },
      { type: 'context', data: { intent: 'refund' } },
    ]);
    const seqs = events.map((e) => e.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(4);
    // Merged into gathered_context, later values winning, beside the call's own ids.
    const live = (await suite.rig.product.api('GET', `/runs/${c.runId}`)).body;
    expect(live.gathered_context).toMatchObject({ intent: 'refund', customer_id: 'C-42', call_id: c.info.callId });
    await c.client.hangup();
    const run = await finalRun(suite.rig.product, c.runId);
    expect(run).toMatchObject({ state: 'completed', end_reason: 'caller_hangup', gathered_context: { intent: 'refund', customer_id: 'C-42' } });
  });
});

describe('the bot fails', () => {
  /** The failed call: provider hangup, caller socket closed 1011, run failed with `endReason`. */
  async function expectFailed(c: BridgeCall, endReason: string): Promise<any> {
    await waitForHangupRequest(suite.rig, c);
    expect((await c.client.waitForClose()).code).toBe(1011);
    const run = await finalRun(suite.rig.product, c.runId);
    expect(run).toMatchObject({ state: 'failed', end_reason: endReason });
    return run;
  }

  it('twilio caller → unreachable bot (closed port): provider hangup, failed/agent_unreachable', async () => {
    const agent = await createAgent(suite.rig.product, { type: 'bridge', url: `ws://127.0.0.1:${await closedPort()}/bot`, protocol: 'twilio' });
    const c = await call('twilio', agent.uuid);
    await expectFailed(c, 'agent_unreachable');
    expect(await logEvents(c.runId)).toContainEqual(expect.objectContaining({ level: 'error', reason: 'connect_failed', error: 'ECONNREFUSED' }));
  });

  it('vobiz caller → bot refusing the upgrade (401): provider hangup, failed/agent_unreachable', async () => {
    const { bot, agentUuid } = await bridgeAgent('exotel', 'refuse');
    const c = await call('vobiz', agentUuid);
    await expectFailed(c, 'agent_unreachable');
    expect(bot.upgrades).toHaveLength(1);
    expect(await logEvents(c.runId)).toContainEqual(expect.objectContaining({ level: 'error', reason: 'upgrade_refused', http_status: 401 }));
  });

  it('cloudonix caller → bot that never answers the upgrade: failed/agent_unreachable at connect_timeout_ms', async () => {
    const { bot, agentUuid } = await bridgeAgent('plivo', 'stall', { connect_timeout_ms: 300 });
    const startedAt = performance.now();
    const c = await call('cloudonix', agentUuid);
    await expectFailed(c, 'agent_unreachable');
    const failedAfter = performance.now() - startedAt;
    expect(failedAfter).toBeGreaterThanOrEqual(300);
    expect(failedAfter).toBeLessThan(3000); // the configured 300 ms, not the 5 s default
    expect(bot.upgrades).toHaveLength(1);
    expect(await logEvents(c.runId)).toContainEqual(expect.objectContaining({ level: 'error', reason: 'connect_timeout', timeout_ms: 300 }));
  });

  it('plivo caller → bot dropping mid-call (no close frame): provider hangup, failed/agent_disconnected', async () => {
    const { bot, agentUuid } = await bridgeAgent('twilio', 'echo');
    const c = await call('plivo', agentUuid);
    const conn = await connected(bot);
    for (let i = 0; i < 10; i++) {
      c.client.sendAudio(new Uint8Array(160).fill(0xff));
      await sleep(20);
    }
    await eventually(async () => conn.callerAudio().length > 0, 3000, 10);
    conn.terminate();
    const run = await expectFailed(c, 'agent_disconnected');
    expect(run.media_stats.audio_in_ms).toBeGreaterThanOrEqual(100);
    expect(await logEvents(c.runId)).toContainEqual(expect.objectContaining({ level: 'error', reason: 'bot_dropped', close_code: 1006 }));
  });
});
