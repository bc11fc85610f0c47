import { mulawEncode } from '@vr3/codec';
import { MULAW_8K, type AdmittedRun, type StartEvent } from '@vr3/protocol';
import { CloudonixStreamAdapter } from '@vr3/providers';
import pino from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { resolveMediaEdgeConfig } from '../config.ts';
import { CallStats } from '../media/stats.ts';
import { createEdgeMetrics } from '../metrics.ts';
import { ProbeEngine } from '../test-support/probe-engine.ts';
import { openMediaSession, type MediaSessionHooks } from './media-session.ts';

const run: AdmittedRun = { id: 'run-1', name: 'WR-AGS-00000001', agent_uuid: 'a', provider: 'cloudonix', telephony_configuration_id: 't', engine: { type: 'echo' }, max_duration_ms: null };
const start: StartEvent = { type: 'start', streamId: 'MZ1', customParameters: {}, mediaFormat: MULAW_8K, metadata: {} };

function open(options: { bufferedAmount: () => number; engineRate?: number; config?: Parameters<typeof resolveMediaEdgeConfig>[0]; bytes?: boolean }) {
  const registry = new Registry();
  const metrics = createEdgeMetrics(registry);
  const stats = new CallStats(metrics);
  const adapter = new CloudonixStreamAdapter();
  adapter.bind(start);
  const sent: string[] = [];
  const sentBytes: Buffer[] = [];
  const failures: unknown[] = [];
  const hooks: MediaSessionHooks = {
    send: (t) => sent.push(t),
    ...(options.bytes ? { sendBytes: (b: Buffer) => sentBytes.push(b) } : {}),
    bufferedAmount: options.bufferedAmount,
    hangup: () => undefined,
    transfer: () => undefined,
    fail: (e) => failures.push(e),
  };
  const probe = new ProbeEngine(options.engineRate ? { sampleRate: options.engineRate } : {});
  const media = openMediaSession({ run, start, adapter, engines: { echo: probe }, config: resolveMediaEdgeConfig(options.config), stats, logger: pino({ level: 'silent' }), hooks });
  media.start();
  return { media, sent, sentBytes, stats, probe, registry, failures, adapter };
}

describe('MediaSession', () => {
  it('drops outbound frames while the socket is backed up, and counts them', async () => {
    let backlog = 1_000_000;
    const { media, sent, stats, probe, registry } = open({ bufferedAmount: () => backlog });
    probe.last.io.sendAudio(new Int16Array(480)); // three frames: all within the lead, sent at once
    expect(sent).toHaveLength(0);
    expect(stats.snapshot()).toMatchObject({ frames_out: 0, frames_dropped: 3 });
    const metric = await registry.getSingleMetric('vr3_media_edge_frames_dropped_total')!.get();
    expect(metric.values).toEqual([expect.objectContaining({ labels: { direction: 'out', reason: 'socket_backpressure' }, value: 3 })]);
    backlog = 0;
    probe.last.io.sendAudio(new Int16Array(160));
    await new Promise((r) => setTimeout(r, 30));
    expect(sent).toHaveLength(1);
    media.close();
  });

  it('resamples caller audio to the engine rate and counts audio in', () => {
    const { media, probe, stats } = open({ bufferedAmount: () => 0, engineRate: 16_000 });
    media.onEvent({ type: 'media', payload: Buffer.alloc(160, 0xff) });
    media.onEvent({ type: 'media', payload: Buffer.alloc(160, 0xff) });
    expect(probe.last.samplesIn).toBe(640);
    expect(stats.snapshot()).toMatchObject({ frames_in: 2, audio_in_ms: 40 });
    media.close();
  });

  it('an engine that throws on audio fails the call once, and close() is idempotent', () => {
    const { media, probe, failures } = open({ bufferedAmount: () => 0 });
    probe.last.onAudio = () => {
      throw new Error('boom');
    };
    media.onEvent({ type: 'media', payload: Buffer.alloc(160, 0xff) });
    expect(failures).toHaveLength(1);
    media.close();
    media.close();
    expect(probe.last.closed).toBe(1);
    // Nothing reaches the engine or the socket after close.
    media.onEvent({ type: 'dtmf', digit: '1' });
    probe.last.io.sendAudio(new Int16Array(160));
    expect(probe.last.dtmf).toHaveLength(0);
  });

  it('drain resolves at once after close, and bounds its wait', async () => {
    const { media, probe } = open({ bufferedAmount: () => 0 });
    probe.last.io.sendAudio(new Int16Array(8000)); // 1 s queued
    const began = Date.now();
    await media.drain(100);
    expect(Date.now() - began).toBeLessThan(300);
    media.close();
    await media.drain(10_000);
  });

  it('sends outbound media as bytes when the socket takes bytes (the same frame as text), marks as text', () => {
    const { media, sent, sentBytes, probe, adapter } = open({ bufferedAmount: () => 0, bytes: true });
    const pcm = new Int16Array(160).map((_, i) => (i * 97) % 4000);
    probe.last.io.sendAudio(pcm);
    probe.last.io.sendAudio(pcm.subarray(0, 100)); // a partial frame: carried
    probe.last.io.sendAudio(pcm.subarray(100)); // completes it
    probe.last.io.mark('m1');
    expect(sentBytes).toHaveLength(2);
    expect(sent).toEqual([adapter.mark('m1')]);
    const expected = adapter.media(Buffer.from(mulawEncode(pcm)));
    expect(sentBytes.map((b) => b.toString('utf8'))).toEqual([expected, expected]);
    media.close();
  });
});
