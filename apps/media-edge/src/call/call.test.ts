import { Subjects } from '@vr3/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { admitted, startHarness, waitUntil, type Harness, type HarnessOptions } from '../test-support/harness.ts';
import { ProbeEngine } from '../test-support/probe-engine.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function harness(options: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness(options);
  return h;
}

/** Waits until the call is gone, then a little longer, and asserts exactly one finalize. */
async function onlyFinalize(hn: Harness) {
  await waitUntil(() => hn.cp.finalizes.length >= 1 && hn.edge.activeCalls === 0);
  await new Promise((r) => setTimeout(r, 50));
  expect(hn.cp.finalizes).toHaveLength(1);
  return hn.cp.finalizes[0]!;
}

describe('ending a running call finalizes exactly once', () => {
  it('stop: close 1000, completed caller_hangup, with media stats', async () => {
    const hn = await harness();
    const client = await hn.startCall();
    for (let i = 0; i < 5; i++) client.sendMedia(new Uint8Array(160).fill(0xff));
    await new Promise((r) => setTimeout(r, 50));
    client.sendStop();
    expect(await client.waitForClose()).toEqual({ code: 1000, reason: 'call ended' });
    const fin = await onlyFinalize(hn);
    expect(fin).toMatchObject({ run_id: 'run-1', edge_id: 'edge-test', state: 'completed', end_reason: 'caller_hangup' });
    expect(fin.stats).toMatchObject({ frames_in: 5, audio_in_ms: 100 });
    expect(fin.stats!.frames_out).toBeGreaterThan(0);
  });

  it('socket closed without stop: completed stream_closed', async () => {
    const hn = await harness();
    const client = await hn.startCall();
    await client.close(1001);
    expect(await onlyFinalize(hn)).toMatchObject({ state: 'completed', end_reason: 'stream_closed' });
  });

  it('socket closed during the handshake: failed stream_closed', async () => {
    const hn = await harness();
    const client = await hn.connect();
    client.sendConnected();
    await waitUntil(() => hn.cp.admits.length === 1);
    await client.close();
    expect(await onlyFinalize(hn)).toMatchObject({ state: 'failed', end_reason: 'stream_closed' });
  });

  it("control 'end': close 1000, completed with the given reason, answered ok", async () => {
    const hn = await harness();
    const client = await hn.startCall();
    const res = await hn.bus.request(Subjects.runControl('run-1'), { action: 'end', end_reason: 'api_hangup' }, { timeoutMs: 1000 });
    expect(res).toEqual({ ok: true });
    expect((await client.waitForClose()).code).toBe(1000);
    expect(await onlyFinalize(hn)).toMatchObject({ state: 'completed', end_reason: 'api_hangup' });
    // The control subscription is gone with the call.
    await expect(hn.bus.request(Subjects.runControl('run-1'), { action: 'end', end_reason: 'api_hangup' }, { timeoutMs: 200 })).rejects.toMatchObject({ code: 'bus_no_responders' });
  });

  it('engine hangup: RunAction hangup, then close 1000, completed agent_hangup', async () => {
    const probe = new ProbeEngine();
    const hn = await harness({ engines: { echo: probe } });
    const client = await hn.startCall();
    probe.last.io.hangup('done');
    expect((await client.waitForClose()).code).toBe(1000);
    expect(hn.cp.actions).toEqual([{ run_id: 'run-1', action: 'hangup' }]);
    expect(await onlyFinalize(hn)).toMatchObject({ state: 'completed', end_reason: 'agent_hangup' });
    expect(probe.last.closed).toBe(1);
  });

  it('engine hangup plays out queued audio first', async () => {
    const probe = new ProbeEngine();
    const hn = await harness({ engines: { echo: probe } });
    const client = await hn.startCall();
    probe.last.io.sendAudio(new Int16Array(8000 * 0.3)); // 300 ms = 15 frames
    probe.last.io.hangup();
    await client.waitForClose();
    expect(client.received.filter((f: any) => f.event === 'media')).toHaveLength(15);
  });

  it('a stop arriving while the agent hangs up still ends agent_hangup', async () => {
    const probe = new ProbeEngine();
    const hn = await harness({ engines: { echo: probe }, script: { action: () => new Promise((r) => setTimeout(() => r({ ok: true }), 100)) } });
    const client = await hn.startCall();
    probe.last.io.hangup();
    await waitUntil(() => hn.cp.actions.length === 1);
    client.sendStop();
    expect((await client.waitForClose()).code).toBe(1000);
    expect(await onlyFinalize(hn)).toMatchObject({ state: 'completed', end_reason: 'agent_hangup' });
  });

  it('echo engine hangs up on its configured DTMF digit', async () => {
    const hn = await harness({ script: { admit: (_r, n) => ({ ...admitted(n), run: { ...admitted(n).run, engine: { type: 'echo', hangup_dtmf: '#' } } }) } });
    const client = await hn.startCall();
    client.sendDtmf('1');
    client.sendDtmf('#');
    expect((await client.waitForClose()).code).toBe(1000);
    expect(await onlyFinalize(hn)).toMatchObject({ end_reason: 'agent_hangup' });
  });

  it('engine transfer: RunAction transfer with the target, completed transfer', async () => {
    const probe = new ProbeEngine();
    const hn = await harness({ engines: { echo: probe } });
    const client = await hn.startCall();
    probe.last.io.transfer('<Response/>');
    expect((await client.waitForClose()).code).toBe(1000);
    expect(hn.cp.actions).toEqual([{ run_id: 'run-1', action: 'transfer', target: '<Response/>' }]);
    expect(await onlyFinalize(hn)).toMatchObject({ state: 'completed', end_reason: 'transfer' });
  });

  it('a refused transfer keeps the call going', async () => {
    const probe = new ProbeEngine();
    const hn = await harness({ engines: { echo: probe }, script: { action: () => ({ ok: false, error: { code: 'provider_rejected', message: 'x' } }) } });
    const client = await hn.startCall();
    probe.last.io.transfer('<Response/>');
    await waitUntil(() => hn.cp.actions.length === 1);
    await new Promise((r) => setTimeout(r, 30));
    expect(client.isOpen).toBe(true);
    client.sendStop();
    expect(await onlyFinalize(hn)).toMatchObject({ end_reason: 'caller_hangup' });
  });

  it.each([
    ['fail()', (p: ProbeEngine) => p.last.io.fail(new Error('boom'))],
    ['a throwing onDtmf', (p: ProbeEngine) => ((p.last.onDtmf = () => { throw new Error('boom'); }), undefined)],
  ])('engine error via %s: close 1011, failed agent_error', async (_name, breakIt) => {
    const probe = new ProbeEngine();
    const hn = await harness({ engines: { echo: probe } });
    const client = await hn.startCall();
    breakIt(probe);
    client.sendDtmf('5');
    expect((await client.waitForClose()).code).toBe(1011);
    expect(await onlyFinalize(hn)).toMatchObject({ state: 'failed', end_reason: 'agent_error' });
  });

  it('an engine whose start rejects fails the call', async () => {
    const probe = new ProbeEngine({ onStart: () => Promise.reject(new Error('no model')) });
    const hn = await harness({ engines: { echo: probe } });
    const client = await hn.connect();
    client.sendConnected();
    client.sendStart();
    expect((await client.waitForClose()).code).toBe(1011);
    expect(await onlyFinalize(hn)).toMatchObject({ state: 'failed', end_reason: 'agent_error' });
  });

  it('max_duration_ms ends the call with a hangup, completed duration_limit', async () => {
    const hn = await harness({ script: { admit: (_r, n) => admitted(n, { max_duration_ms: 150 }) } });
    const client = await hn.startCall();
    expect((await client.waitForClose()).code).toBe(1000);
    expect(hn.cp.actions).toEqual([{ run_id: 'run-1', action: 'hangup' }]);
    expect(await onlyFinalize(hn)).toMatchObject({ state: 'completed', end_reason: 'duration_limit' });
  });

  it('everything racing to end the call still finalizes once', async () => {
    const probe = new ProbeEngine();
    const hn = await harness({ engines: { echo: probe } });
    const client = await hn.startCall();
    client.sendStop();
    probe.last.io.fail(new Error('x'));
    void hn.bus.request(Subjects.runControl('run-1'), { action: 'end', end_reason: 'api_hangup' }, { timeoutMs: 200 }).catch(() => undefined);
    await client.close();
    await onlyFinalize(hn);
  });
});

describe('finalize', () => {
  it('is retried with backoff when the control-plane fails', async () => {
    const hn = await harness({
      config: { finalizeBackoffMs: 20 },
      script: {
        finalize: (_req, attempt) => {
          if (attempt < 3) throw new Error('db busy');
          return { ok: true, already_final: false };
        },
      },
    });
    const client = await hn.startCall();
    client.sendStop();
    expect((await onlyFinalize(hn)).end_reason).toBe('caller_hangup');
  });

  it('gives up after finalizeAttempts and still releases the call', async () => {
    const hn = await harness({
      config: { finalizeBackoffMs: 10, finalizeAttempts: 3 },
      script: {
        finalize: () => {
          throw new Error('down');
        },
      },
    });
    const client = await hn.startCall();
    client.sendStop();
    await waitUntil(() => hn.edge.activeCalls === 0);
    expect(hn.cp.finalizes).toHaveLength(0);
  });
});

describe('edge lifecycle', () => {
  it('publishes heartbeats with the runs it holds', async () => {
    const hn = await harness({ config: { heartbeatIntervalMs: 30 } });
    await hn.startCall();
    await waitUntil(() => hn.cp.heartbeats.some((b) => b.run_ids.includes('run-1')));
    expect(hn.cp.heartbeats.at(-1)).toMatchObject({ edge_id: 'edge-test', draining: false });
  });

  it('close() refuses new streams with 1013, drains, ends live calls edge_shutdown, and resolves', async () => {
    const hn = await harness();
    const live = await hn.startCall();
    const closing = hn.edge.close({ drainTimeoutMs: 200 });
    const late = await hn.connect();
    expect(await late.waitForClose()).toEqual({ code: 1013, reason: 'try again later' });
    expect(await live.waitForClose()).toEqual({ code: 1013, reason: 'try again later' });
    await closing;
    expect(hn.edge.activeCalls).toBe(0);
    expect(hn.cp.finalizes).toEqual([expect.objectContaining({ state: 'failed', end_reason: 'edge_shutdown' })]);
    expect(hn.cp.heartbeats.at(-1)).toMatchObject({ run_ids: [], draining: true });
    await hn.edge.close(); // idempotent
  });

  it('close() lets calls that end within the drain window end normally', async () => {
    const hn = await harness();
    const live = await hn.startCall();
    const closing = hn.edge.close({ drainTimeoutMs: 2000 });
    setTimeout(() => live.sendStop(), 50);
    await closing;
    expect(hn.cp.finalizes).toEqual([expect.objectContaining({ end_reason: 'caller_hangup' })]);
  });

  it('close() ends calls still in their handshake at once', async () => {
    const hn = await harness();
    const pending = await hn.connect();
    pending.sendConnected();
    await waitUntil(() => hn.cp.admits.length === 1);
    await hn.edge.close({ drainTimeoutMs: 5000 });
    expect((await pending.waitForClose()).code).toBe(1013);
    expect(hn.cp.finalizes).toEqual([expect.objectContaining({ state: 'failed', end_reason: 'edge_shutdown' })]);
  });
});
