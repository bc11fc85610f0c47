import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { EngineConfig } from '@vr3/protocol';
import { createEchoEngine } from './echo.ts';
import type { AgentIO } from './types.ts';

const logger = pino({ level: 'silent' });
const session = (config: EngineConfig, factoryRate?: number) =>
  createEchoEngine(factoryRate === undefined ? {} : { sampleRate: factoryRate }).create({ runId: 'r', config, logger });

function recordingIo() {
  const audio: Int16Array[] = [];
  const hangups: Array<string | undefined> = [];
  const io: AgentIO = {
    sendAudio: (pcm) => audio.push(pcm.slice()),
    clear: () => {},
    mark: () => {},
    hangup: (reason) => hangups.push(reason),
    transfer: () => {},
    fail: () => {},
  };
  return { io, audio, hangups };
}

describe('echo engine', () => {
  it('works at 16 kHz by default, at the factory rate, or at the agent config rate', () => {
    expect(session({ type: 'echo' }).sampleRate).toBe(16_000);
    expect(session({ type: 'echo' }, 24_000).sampleRate).toBe(24_000);
    expect(session({ type: 'echo', sample_rate: 8000 }, 24_000).sampleRate).toBe(8000);
  });

  it('returns the caller audio unchanged and hangs up on its digit only', () => {
    const s = session({ type: 'echo', hangup_dtmf: '#' });
    const { io, audio, hangups } = recordingIo();
    void s.start(io);
    s.onAudio(Int16Array.from([1, -2, 3]));
    s.onDtmf('5');
    expect(hangups).toHaveLength(0);
    s.onDtmf('#');
    expect(audio).toEqual([Int16Array.from([1, -2, 3])]);
    expect(hangups).toHaveLength(1);
    s.close();
    s.onAudio(Int16Array.from([9]));
    expect(audio).toHaveLength(1);
  });
});
