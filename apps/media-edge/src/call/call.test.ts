import { EngineError } from '@vr3/agent';
import { Subjects } from '@vr3/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { admitted, startHarness, waitUntil, type Harness, type HarnessOptions } from '../test-support/harness.ts';
import { pcmBytes, ProbeEngine } from '../test-support/probe-engine.ts';

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
    const hn = await harness({ engines: [probe] });
    const client = await hn.startCall();
    probe.last.io.hangup('done');
    expect((await client.waitForClose()).code).toBe(1000);
    expect(hn.cp.actions).toEqual([{ run_id: 'run-1', action: 'hangup' }]);
    expect(await onlyFinalize(hn)).toMatchObject({ state: 'completed', end_reason: 'agent_hangup' });
    expect(probe.last.closed).toBe(1);
  });

  it('engine hangup plays out queued audio first', async () => {
    const probe = new ProbeEngine();
    const hn = await harness({ engines: [probe] });
    const client = await hn.startCall();
    probe.last.io.sendAudio(pcmBytes(new Int16Array(8000 * 0.3))); // 300 ms = 15 frames
    probe.last.io.hangup();
    await client.waitForClose();
    expect(client.received.filter((f: any) => f.event === 'media')).toHaveLength(15);
  });

  it('a stop arriving while the agent hangs up still ends agent_hangup', async () => {
    const probe = new ProbeEngine();
    const hn = await harness({ engines: [probe], script: { action: () => new Promise((r) => setTimeout(() => r({ ok: true }), 100)) } });
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
    const hn = await harness({ engines: [probe] });
    const client = await hn.startCall();
    probe.last.io.transfer('<Response/>');
    expect((await client.waitForClose()).code).toBe(1000);
    expect(hn.cp.actions).toEqual([{ run_id: 'run-1', action: 'transfer', target: '<Response/>' }]);
    expect(await onlyFinalize(hn)).toMatchObject({ state: 'completed', end_reason: 'transfer' });
  });

  it('a refused transfer keeps the call going', async () => {
    const probe = new ProbeEngine();
    const hn = await harness({ engines: [probe], script: { action: () => ({ ok: false, error: { code: 'provider_rejected', message: 'x' } }) } });
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
  ])('engine error via %s: provider hangup, then close 1011, failed agent_error', async (_name, breakIt) => {
    const probe = new ProbeEngine();
    const hn = await harness({ engines: [probe] });
    const client = await hn.startCall();
    breakIt(probe);
    client.sendDtmf('5');
    expect(await client.waitForClose()).toEqual({ code: 1011, reason: 'agent error' });
    expect(hn.cp.actions).toEqual([{ run_id: 'run-1', action: 'hangup' }]);
    expect(await onlyFinalize(hn)).toMatchObject({ state: 'failed', end_reason: 'agent_error', error: 'agent_error' });
    expect(probe.last.closes).toEqual([{ endReason: 'agent_error' }]);
  });

  it.each([
    ['agent_unreachable', 'agent unreachable'],
    ['agent_disconnected', 'agent disconnected'],
  ] as const)('an EngineError %s ends the run with that reason: hangup at once (no playout), close 1011', async (code, reason) => {
    const probe = new ProbeEngine();
    const hn = await harness({ engines: [probe], captureLogs: true });
    const client = await hn.startCall();
    probe.last.io.sendAudio(pcmBytes(new Int16Array(8000 * 2))); // 2 s queued: not waited for
    const began = Date.now();
    probe.last.io.fail(new EngineError(code, 'wss://bot.example/secret-path refused'));
    probe.last.io.sendAudio(pcmBytes(new Int16Array(160))); // no effect any more
    expect(await client.waitForClose()).toEqual({ code: 1011, reason });
    expect(Date.now() - began).toBeLessThan(500);
    expect(client.received.filter((f: any) => f.event === 'media').length).toBeLessThan(10);
    expect(hn.cp.actions).toEqual([{ run_id: 'run-1', action: 'hangup' }]);
    expect(await onlyFinalize(hn)).toMatchObject({ state: 'failed', end_reason: code, error: code });
    expect(hn.logs.join('\n')).not.toContain('secret-path');
  });

  it('an engine whose createSession throws fails the call the same way', async () => {
    const probe = new ProbeEngine({ createError: new EngineError('agent_unreachable', 'no bot') });
    const hn = await harness({ engines: [probe] });
    const client = await hn.connect();
    client.sendConnected();
    client.sendStart();
    expect(await client.waitForClose()).toEqual({ code: 1011, reason: 'agent unreachable' });
    expect(hn.cp.actions).toEqual([{ run_id: 'run-1', action: 'hangup' }]);
    expect(await onlyFinalize(hn)).toMatchObject({ state: 'failed', end_reason: 'agent_unreachable' });
  });

  it('a failed provider hangup still ends the failed call', async () => {
    const probe = new ProbeEngine();
    const hn = await harness({
      engines: [probe],
      script: {
        action: () => {
          throw new Error('provider down');
        },
      },
    });
    const client = await hn.startCall();
    probe.last.io.fail(new EngineError('agent_disconnected', 'gone'));
    expect((await client.waitForClose()).code).toBe(1011);
    expect(await onlyFinalize(hn)).toMatchObject({ state: 'failed', end_reason: 'agent_disconnected' });
  });

  it('an engine whose start rejects fails the call', async () => {
    const probe = new ProbeEngine({ onStart: () => Promise.reject(new Error('no model')) });
    const hn = await harness({ engines: [probe] });
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
    const hn = await harness({ engines: [probe] });
    const client = await hn.startCall();
    client.sendStop();
    probe.last.io.fail(new Error('x'));
    void hn.bus.request(Subjects.runControl('run-1'), { action: 'end', end_reason: 'api_hangup' }, { timeoutMs: 200 }).catch(() => undefined);
    await client.close();
    await onlyFinalize(hn);
  });
});

describe('engines and their sessions', () => {
  it('validates the run\'s engine config with the engine\'s schema: invalid closes 1011, server_error, logs paths never values', async () => {
    const probe = new ProbeEngine({ configSchema: z.strictObject({ type: z.literal('echo'), api_key: z.string().min(40) }) });
    const hn = await harness({ engines: [probe], captureLogs: true, script: { admit: (_r, n) => admitted(n, { engine: { type: 'echo', api_key: 'sk-live-do-not-log' } }) } });
    const client = await hn.connect();
    client.sendConnected();
    client.sendStart();
    expect(await client.waitForClose()).toEqual({ code: 1011, reason: 'server error' });
    expect(await onlyFinalize(hn)).toMatchObject({ state: 'failed', end_reason: 'server_error', error: 'invalid_engine_config' });
    expect(probe.sessions).toHaveLength(0);
    const logs = hn.logs.join('\n');
    expect(logs).toContain('invalid_engine_config');
    expect(logs).toContain('api_key');
    expect(logs).not.toContain('sk-live-do-not-log');
  });

  it('an engine type this edge has not registered closes 1011, server_error', async () => {
    const hn = await harness({ script: { admit: (_r, n) => admitted(n, { engine: { type: 'voice' } }) } });
    const client = await hn.connect();
    client.sendConnected();
    client.sendStart();
    expect((await client.waitForClose()).code).toBe(1011);
    expect(await onlyFinalize(hn)).toMatchObject({ end_reason: 'server_error', error: 'engine_not_found' });
  });

  it('a session gets its call info, config and a signal that fires before close(info)', async () => {
    const probe = new ProbeEngine();
    const hn = await harness({ engines: [probe], script: { admit: (_r, n) => admitted(n, { initial_context: { caller_number: '+15551230001' } }) } });
    const client = await hn.connect();
    client.sendConnected();
    const info = client.sendStart({ customParameters: { lang: 'en' } });
    await waitUntil(() => probe.sessions.length === 1);
    const ctx = probe.last.ctx;
    expect(ctx.call).toMatchObject({
      runId: 'run-1',
      runName: 'WR-AGS-00000001',
      agentUuid: 'agent',
      provider: 'cloudonix',
      from: '+15551230001',
      to: '+15551230002',
      callId: info.callSid,
      streamId: info.streamSid,
      customParameters: { lang: 'en' },
      initialContext: { caller_number: '+15551230001' },
      callerFormat: { encoding: 'mulaw', sampleRate: 8000 },
    });
    expect(ctx.config).toEqual({ type: 'echo' });
    expect(ctx.signal.aborted).toBe(false);
    client.sendStop();
    await onlyFinalize(hn);
    expect(ctx.signal.aborted).toBe(true);
    expect(probe.last.abortedAtClose).toBe(true);
    expect(probe.last.closes).toEqual([{ endReason: 'caller_hangup' }]);
  });

  it('the run is finalized no later than engineCloseTimeoutMs after the end, even if the engine never closes; the socket closes at once', async () => {
    const probe = new ProbeEngine({ onClose: () => new Promise(() => {}) });
    const hn = await harness({ engines: [probe], config: { engineCloseTimeoutMs: 300 } });
    const client = await hn.startCall();
    const began = Date.now();
    client.sendStop();
    await client.waitForClose();
    expect(Date.now() - began).toBeLessThan(200);
    await waitUntil(() => hn.cp.finalizes.length === 1);
    const waited = Date.now() - began;
    expect(waited).toBeGreaterThanOrEqual(280);
    expect(waited).toBeLessThan(1_000);
  });

  it('run events reach the control-plane in order, those of close() included, before the run is finalized', async () => {
    const probe = new ProbeEngine({
      onClose: async (s) => {
        await new Promise((r) => setTimeout(r, 20));
        s.io.emit({ type: 'log', data: { level: 'info', message: 'session closed' } });
      },
    });
    let failures = 1;
    const hn = await harness({
      engines: [probe],
      config: { runEventsRetryBackoffMs: 20 },
      script: {
        // Slow answers: a finalize that did not wait for them would be answered first.
        events: async (req) => {
          await new Promise((r) => setTimeout(r, 40));
          if (failures-- > 0) throw new Error('db busy');
          return { ok: true, stored: req.events.length };
        },
      },
    });
    const client = await hn.startCall();
    probe.last.io.emit({ type: 'transcript', data: { role: 'caller', text: 'hello' } });
    probe.last.io.setContext({ intent: 'billing' });
    await new Promise((r) => setTimeout(r, 10));
    probe.last.io.emit({ type: 'metric', data: { name: 'latency', value: 12, unit: 'ms' } });
    client.sendStop();
    const fin = await onlyFinalize(hn);
    expect(fin.end_reason).toBe('caller_hangup');
    const stored = new Map(hn.cp.events.map((e) => [e.seq, e]));
    expect([...stored.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4]);
    expect([...stored.values()].sort((a, b) => a.seq - b.seq).map((e) => e.type)).toEqual(['transcript', 'context', 'metric', 'log']);
    expect(hn.cp.eventBatches.every((b) => b.run_id === 'run-1' && b.edge_id === 'edge-test')).toBe(true);
    expect(hn.cp.answered.at(-1)).toBe('finalize');
    expect(hn.cp.answered.filter((a) => a === 'finalize')).toHaveLength(1);
  });
});

describe('early caller audio (between start and running)', () => {
  const slowStart = (ms: number) => () => new Promise((r) => setTimeout(() => r({ ok: true }), ms));
  const frame = (n: number) => new Uint8Array(160).fill(n);

  it('is kept and handed to the engine right after start, in order, before the live audio', async () => {
    const probe = new ProbeEngine({ format: { encoding: 'mulaw', sampleRate: 8000 }, keepAudio: true });
    const hn = await harness({ engines: [probe], script: { start: slowStart(150) } });
    const client = await hn.connect();
    client.sendConnected();
    client.sendStart();
    for (let i = 1; i <= 5; i++) client.sendMedia(frame(i));
    await waitUntil(() => probe.sessions.length === 1);
    client.sendMedia(frame(6));
    await waitUntil(() => probe.last.audio.length === 6);
    expect(probe.last.audio.map((a) => a[0])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(probe.last.audio.every((a, i) => a.length === 160 && a.every((b) => b === i + 1))).toBe(true);
    client.sendStop();
    expect((await onlyFinalize(hn)).stats).toMatchObject({ frames_in: 6, frames_dropped: 0 });
  });

  it('is bounded by earlyAudioMaxMs: the oldest frames are dropped and counted', async () => {
    const probe = new ProbeEngine({ format: { encoding: 'mulaw', sampleRate: 8000 }, keepAudio: true });
    const hn = await harness({ engines: [probe], config: { earlyAudioMaxMs: 60 }, script: { start: slowStart(150) } });
    const client = await hn.connect();
    client.sendConnected();
    client.sendStart();
    for (let i = 1; i <= 8; i++) client.sendMedia(frame(i));
    await waitUntil(() => probe.sessions.length === 1 && probe.last.audio.length === 3);
    expect(probe.last.audio.map((a) => a[0])).toEqual([6, 7, 8]);
    client.sendStop();
    expect((await onlyFinalize(hn)).stats).toMatchObject({ frames_in: 8, frames_dropped: 5 });
    const metric = await hn.metrics.getSingleMetric('vr3_media_edge_frames_dropped_total')!.get();
    expect(metric.values.find((v) => v.labels.reason === 'early_audio_overflow')?.value).toBe(5);
  });

  it('is counted dropped (not_running) when the call ends before the engine starts', async () => {
    const hn = await harness({ script: { start: slowStart(300) } });
    const client = await hn.connect();
    client.sendConnected();
    client.sendStart();
    for (let i = 1; i <= 4; i++) client.sendMedia(frame(i));
    await new Promise((r) => setTimeout(r, 50));
    client.sendStop();
    expect((await onlyFinalize(hn)).stats).toMatchObject({ frames_in: 4, frames_dropped: 4 });
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
