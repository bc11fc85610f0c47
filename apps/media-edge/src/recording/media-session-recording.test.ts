import { EngineRegistry } from '@vr3/agent';
import { MULAW_8K, type AdmittedRun, type StartEvent } from '@vr3/protocol';
import { CloudonixStreamAdapter } from '@vr3/providers';
import pino from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { openMediaSession } from '../call/media-session.ts';
import { resolveMediaEdgeConfig } from '../config.ts';
import { CallStats } from '../media/stats.ts';
import { createEdgeMetrics } from '../metrics.ts';
import { pcmBytes, ProbeEngine } from '../test-support/probe-engine.ts';
import type { MediaRecorder } from './call-recording.ts';

const run: AdmittedRun = { id: 'run-r', name: 'WR-AGS-0000000R', agent_uuid: 'a', provider: 'cloudonix', telephony_configuration_id: 't', engine: { type: 'echo' }, max_duration_ms: null, initial_context: {}, recording: true };
const start: StartEvent = { type: 'start', streamId: 'MZ1', callId: 'CA1', customParameters: {}, mediaFormat: MULAW_8K, metadata: {} };

/** What the media session told its recorder, in order, next to what it sent the provider. */
function openRecorded(bufferedAmount: () => number) {
  const log: string[] = [];
  const agentFrames: Uint8Array[] = [];
  const recorder: MediaRecorder = {
    caller: (p) => log.push(`caller:${p.length}`),
    agent: (f) => {
      agentFrames.push(Buffer.from(f));
      log.push(`agent:${f.length}`);
    },
    clear: () => log.push('clear'),
  };
  const adapter = new CloudonixStreamAdapter();
  adapter.bind(start);
  const probe = new ProbeEngine();
  const media = openMediaSession({
    run,
    start,
    adapter,
    engines: new EngineRegistry([probe]),
    config: resolveMediaEdgeConfig({}),
    stats: new CallStats(createEdgeMetrics(new Registry())),
    logger: pino({ level: 'silent' }),
    recorder,
    hooks: {
      send: (t) => {
        const event = (JSON.parse(t) as { event: string }).event;
        if (event !== 'media') log.push(`sent:${event}`);
      },
      bufferedAmount,
      hangup: () => undefined,
      transfer: () => undefined,
      fail: () => undefined,
      emit: () => undefined,
    },
  });
  return { media, probe, log, agentFrames };
}

describe('MediaSession with a recorder', () => {
  it('records caller payloads as received, only the agent frames actually sent, and a clear before the provider is told', async () => {
    let backlog = 1_000_000;
    const { media, probe, log, agentFrames } = openRecorded(() => backlog);
    media.start([Buffer.alloc(160, 0xff)]); // early audio counts as caller audio too
    media.onEvent({ type: 'media', payload: Buffer.alloc(160, 0xff) });
    probe.last.io.sendAudio(pcmBytes(new Int16Array(320))); // socket backed up: dropped, never heard
    expect(agentFrames).toHaveLength(0);
    backlog = 0;
    probe.last.io.sendAudio(pcmBytes(new Int16Array(160).fill(1000)));
    expect(agentFrames).toHaveLength(1);
    expect(agentFrames[0]!.length).toBe(160); // the wire frame (μ-law, 20 ms)
    probe.last.io.clear();
    expect(log).toEqual(['caller:160', 'caller:160', 'agent:160', 'clear', 'sent:clear']);
    await media.close({ endReason: 'caller_hangup' });
    media.onEvent({ type: 'media', payload: Buffer.alloc(160, 0xff) }); // after close: not recorded
    expect(log.filter((l) => l.startsWith('caller'))).toHaveLength(2);
  });
});
