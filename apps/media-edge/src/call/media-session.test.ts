import { EngineRegistry, EngineError } from '@vr3/agent';
import { mulawEncode } from '@vr3/codec';
import { MULAW_8K, type AdmittedRun, type RunEventType, type StartEvent } from '@vr3/protocol';
import { CloudonixStreamAdapter } from '@vr3/providers';
import pino from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { resolveMediaEdgeConfig } from '../config.ts';
import { CallStats } from '../media/stats.ts';
import { createEdgeMetrics } from '../metrics.ts';
import { pcmBytes, ProbeEngine, type ProbeOptions } from '../test-support/probe-engine.ts';
import { openMediaSession, type MediaSessionHooks } from './media-session.ts';

const run: AdmittedRun = {
  id: 'run-1',
  name: 'WR-AGS-00000001',
  agent_uuid: 'a',
  provider: 'cloudonix',
  telephony_configuration_id: 't',
  engine: { type: 'echo' },
  max_duration_ms: null,
  initial_context: { caller_number: '+15551230001' },
};
const start: StartEvent = { type: 'start', streamId: 'MZ1', callId: 'CA1', customParameters: { tier: 'gold' }, mediaFormat: MULAW_8K, metadata: {} };

function open(options: { bufferedAmount?: () => number; probe?: ProbeOptions; config?: Parameters<typeof resolveMediaEdgeConfig>[0]; bytes?: boolean; query?: Record<string, string>; runEngine?: AdmittedRun['engine'] }) {
  const registry = new Registry();
  const metrics = createEdgeMetrics(registry);
  const stats = new CallStats(metrics);
  const adapter = new CloudonixStreamAdapter();
  adapter.bind(start);
  const sent: string[] = [];
  const sentBytes: Buffer[] = [];
  const failures: Error[] = [];
  const events: Array<{ type: RunEventType; data: unknown }> = [];
  const hooks: MediaSessionHooks = {
    send: (t) => sent.push(t),
    ...(options.bytes ? { sendBytes: (b: Buffer) => sentBytes.push(b) } : {}),
    bufferedAmount: options.bufferedAmount ?? (() => 0),
    hangup: () => undefined,
    transfer: () => undefined,
    fail: (e) => failures.push(e),
    emit: (type, data) => events.push({ type, data }),
  };
  const probe = new ProbeEngine(options.probe);
  const media = openMediaSession({
    run: options.runEngine ? { ...run, engine: options.runEngine } : run,
    start,
    ...(options.query ? { query: options.query } : {}),
    adapter,
    engines: new EngineRegistry([probe]),
    config: resolveMediaEdgeConfig(options.config),
    stats,
    logger: pino({ level: 'silent' }),
    hooks,
  });
  return { media, sent, sentBytes, stats, probe, registry, failures, adapter, events };
}

const mediaPayloads = (sent: string[]) => sent.map((t) => JSON.parse(t) as { event: string; media?: { payload: string } }).filter((f) => f.event === 'media').map((f) => Buffer.from(f.media!.payload, 'base64'));

describe('MediaSession', () => {
  it('drops outbound frames while the socket is backed up, and counts them', async () => {
    let backlog = 1_000_000;
    const { media, sent, stats, probe, registry } = open({ bufferedAmount: () => backlog });
    media.start();
    probe.last.io.sendAudio(pcmBytes(new Int16Array(480))); // three frames: all within the lead, sent at once
    expect(sent).toHaveLength(0);
    expect(stats.snapshot()).toMatchObject({ frames_out: 0, frames_dropped: 3, frames_dropped_by_reason: { socket_backpressure: 3 } });
    const metric = await registry.getSingleMetric('vr3_media_edge_frames_dropped_total')!.get();
    expect(metric.values).toEqual([expect.objectContaining({ labels: { direction: 'out', reason: 'socket_backpressure' }, value: 3 })]);
    // Dropped audio will never be heard: the playback clock does not wait for it.
    expect(probe.last.io.playback.sentMs()).toBe(0);
    backlog = 0;
    probe.last.io.sendAudio(pcmBytes(new Int16Array(160)));
    await new Promise((r) => setTimeout(r, 30));
    expect(sent).toHaveLength(1);
    await media.close({ endReason: 'caller_hangup' });
  });

  it('resamples caller audio to the session rate and counts audio in', async () => {
    const { media, probe, stats } = open({ probe: { sampleRate: 16_000 } });
    media.start();
    media.onEvent({ type: 'media', payload: Buffer.alloc(160, 0xff) });
    media.onEvent({ type: 'media', payload: Buffer.alloc(160, 0xff) });
    expect(probe.last.samplesIn).toBe(640);
    expect(stats.snapshot()).toMatchObject({ frames_in: 2, audio_in_ms: 40 });
    await media.close({ endReason: 'caller_hangup' });
  });

  it('a session in the caller wire format gets the payload bytes untouched, and its audio goes out only re-chunked', async () => {
    const { media, probe, sent } = open({ probe: { format: MULAW_8K, keepAudio: true } });
    media.start();
    const payload = Buffer.from(Array.from({ length: 160 }, (_, i) => (i * 7) & 0xff));
    media.onEvent({ type: 'media', payload });
    expect(Buffer.from(probe.last.audio[0]!)).toEqual(payload);
    // 100 + 220 bytes of agent μ-law: two 160-byte frames of exactly those bytes.
    const agent = Buffer.from(Array.from({ length: 320 }, (_, i) => (i * 13 + 5) & 0xff));
    probe.last.io.sendAudio(agent.subarray(0, 100));
    probe.last.io.sendAudio(agent.subarray(100));
    agent.fill(0); // the engine reuses its buffer: what was queued must not change
    const frames = mediaPayloads(sent);
    expect(frames).toHaveLength(2);
    expect(Buffer.concat(frames)).toEqual(Buffer.from(Array.from({ length: 320 }, (_, i) => (i * 13 + 5) & 0xff)));
    await media.close({ endReason: 'caller_hangup' });
  });

  it('an engine that throws on audio fails the call once, and close() is idempotent', async () => {
    const { media, probe, failures } = open({});
    media.start();
    probe.last.onAudio = () => {
      throw new EngineError('agent_disconnected', 'gone');
    };
    media.onEvent({ type: 'media', payload: Buffer.alloc(160, 0xff) });
    media.onEvent({ type: 'media', payload: Buffer.alloc(160, 0xff) });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ code: 'agent_disconnected' });
    // Halted: nothing more reaches the engine, nothing it does has an effect.
    media.onEvent({ type: 'dtmf', digit: '1' });
    expect(probe.last.dtmf).toHaveLength(0);
    const first = media.close({ endReason: 'agent_disconnected' });
    expect(media.close({ endReason: 'caller_hangup' })).toBe(first);
    await first;
    expect(probe.last.closes).toEqual([{ endReason: 'agent_disconnected' }]);
  });

  it('close fires the signal first, passes the end and stop reasons, and waits for the engine at most engineCloseTimeoutMs', async () => {
    const { media, probe } = open({ config: { engineCloseTimeoutMs: 100 }, probe: { onClose: () => new Promise(() => {}) } });
    media.start();
    const began = Date.now();
    await media.close({ endReason: 'caller_hangup', stopReason: 'callended' });
    const waited = Date.now() - began;
    expect(waited).toBeGreaterThanOrEqual(90);
    expect(waited).toBeLessThan(400);
    expect(probe.last.abortedAtClose).toBe(true);
    expect(probe.last.closes).toEqual([{ endReason: 'caller_hangup', stopReason: 'callended' }]);
  });

  it('close resolves as soon as the engine closed', async () => {
    const { media } = open({ config: { engineCloseTimeoutMs: 5_000 }, probe: { onClose: () => new Promise((r) => setTimeout(r, 20)) } });
    media.start();
    const began = Date.now();
    await media.close({ endReason: 'caller_hangup' });
    expect(Date.now() - began).toBeLessThan(1_000);
  });

  it('gives the session its call: run, agent, provider, numbers (from the query when start lacks them), ids, parameters, initial context, caller format', () => {
    const { probe } = open({ query: { provider: 'cloudonix', Domain: 'acme', from: '+15551230001', to: '+15551230002' } });
    expect(probe.last.ctx.call).toEqual({
      runId: 'run-1',
      runName: 'WR-AGS-00000001',
      agentUuid: 'a',
      provider: 'cloudonix',
      from: '+15551230001',
      to: '+15551230002',
      callId: 'CA1',
      streamId: 'MZ1',
      customParameters: { tier: 'gold' },
      initialContext: { caller_number: '+15551230001' },
      callerFormat: { encoding: 'mulaw', sampleRate: 8000 },
    });
    expect(probe.last.ctx.signal.aborted).toBe(false);
    expect(probe.last.ctx.config).toEqual({ type: 'echo' });
  });

  it('refuses an engine config its schema rejects, naming the path and never the value', () => {
    const engine = new ProbeEngine({ type: 'strict', configSchema: z.strictObject({ type: z.literal('strict'), token: z.string().min(10) }) });
    const registry = new Registry();
    const adapter = new CloudonixStreamAdapter();
    adapter.bind(start);
    const attempt = () =>
      openMediaSession({
        run: { ...run, engine: { type: 'strict', token: 'sk-secret' } },
        start,
        adapter,
        engines: new EngineRegistry([engine]),
        config: resolveMediaEdgeConfig(),
        stats: new CallStats(createEdgeMetrics(registry)),
        logger: pino({ level: 'silent' }),
        hooks: { send: () => 0, bufferedAmount: () => 0, hangup: () => 0, transfer: () => 0, fail: () => 0, emit: () => 0 },
      });
    expect(attempt).toThrow(expect.objectContaining({ code: 'invalid_engine_config', message: expect.stringContaining('token') }));
    expect(attempt).not.toThrow(/sk-secret/);
    expect(engine.sessions).toHaveLength(0);
  });

  it('hands early caller audio to the engine right after start, through the inbound transcoder', async () => {
    const order: string[] = [];
    const { media, probe } = open({ probe: { sampleRate: 16_000, onStart: () => void order.push('start') } });
    const onAudio = probe.last.onAudio.bind(probe.last);
    probe.last.onAudio = (audio) => {
      order.push(`audio:${audio.length}`);
      onAudio(audio);
    };
    media.start([Buffer.alloc(160, 0xff), Buffer.alloc(80, 0xff)]);
    expect(order).toEqual(['start', 'audio:640', 'audio:320']);
    await media.close({ endReason: 'caller_hangup' });
  });

  it('clear reports what the caller heard and what it cut off', async () => {
    const { media, probe } = open({});
    media.start();
    probe.last.io.sendAudio(pcmBytes(new Int16Array(8000))); // 1 s
    expect(probe.last.io.playback.sentMs()).toBe(1000);
    const result = probe.last.io.clear();
    expect(result.heardMs).toBeGreaterThanOrEqual(0);
    expect(result.heardMs).toBeLessThan(100);
    expect(result.heardMs + result.discardedMs).toBe(1000);
    expect(probe.last.io.playback.pendingMs()).toBe(0);
    await media.close({ endReason: 'caller_hangup' });
  });

  it('run events and context go to the call, also from close(), and stop once close settled; dropped() counts into the stats', async () => {
    const { media, probe, events, stats } = open({ probe: { onClose: (s) => s.io.emit({ type: 'log', data: { level: 'info', message: 'bye' } }) } });
    media.start();
    probe.last.io.emit({ type: 'transcript', data: { role: 'caller', text: 'hello' } });
    probe.last.io.setContext({ intent: 'billing' });
    probe.last.io.dropped(3);
    expect(stats.snapshot()).toMatchObject({ frames_dropped: 3, frames_dropped_by_reason: { agent_backpressure: 3 } });
    await media.close({ endReason: 'caller_hangup' });
    probe.last.io.emit({ type: 'metric', data: { name: 'late', value: 1 } });
    expect(events).toEqual([
      { type: 'transcript', data: { role: 'caller', text: 'hello' } },
      { type: 'context', data: { intent: 'billing' } },
      { type: 'log', data: { level: 'info', message: 'bye' } },
    ]);
  });

  it('drain resolves at once after close, and bounds its wait', async () => {
    const { media, probe } = open({});
    media.start();
    probe.last.io.sendAudio(pcmBytes(new Int16Array(8000))); // 1 s queued
    const began = Date.now();
    await media.drain(100);
    expect(Date.now() - began).toBeLessThan(300);
    await media.close({ endReason: 'caller_hangup' });
    await media.drain(10_000);
  });

  it('sends outbound media as bytes when the socket takes bytes (the same frame as text), marks as text', async () => {
    const { media, sent, sentBytes, probe, adapter } = open({ bytes: true });
    media.start();
    const pcm = new Int16Array(160).map((_, i) => (i * 97) % 4000);
    probe.last.io.sendAudio(pcmBytes(pcm));
    probe.last.io.sendAudio(pcmBytes(pcm.subarray(0, 100))); // a partial frame: carried
    probe.last.io.sendAudio(pcmBytes(pcm.subarray(100))); // completes it
    probe.last.io.mark('m1');
    expect(sentBytes).toHaveLength(2);
    expect(sent).toEqual([adapter.mark('m1')]);
    const expected = adapter.media(Buffer.from(mulawEncode(pcm)));
    expect(sentBytes.map((b) => b.toString('utf8'))).toEqual([expected, expected]);
    await media.close({ endReason: 'caller_hangup' });
  });
});
