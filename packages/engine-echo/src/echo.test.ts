import { EngineCatalog } from '@vr3/agent';
import { RecordingIO, testSessionContext } from '@vr3/agent/testing';
import { describe, expect, it } from 'vitest';
import { createEchoEngine } from './echo.ts';
import { echoEngineSpec, type EchoConfig } from './spec.ts';

const session = (config: EchoConfig, factoryRate?: number) =>
  createEchoEngine(factoryRate === undefined ? {} : { sampleRate: factoryRate }).createSession(testSessionContext(config));

describe('echo engine', () => {
  it('works in PCM16 at 16 kHz by default, at the factory rate, or at the agent config rate', () => {
    expect(session({ type: 'echo' }).format).toEqual({ encoding: 'pcm16le', sampleRate: 16_000 });
    expect(session({ type: 'echo' }, 24_000).format.sampleRate).toBe(24_000);
    expect(session({ type: 'echo', sample_rate: 8000 }, 24_000).format.sampleRate).toBe(8000);
  });

  it('returns the caller audio unchanged and hangs up on its digit only', async () => {
    const s = session({ type: 'echo', hangup_dtmf: '#' });
    const io = new RecordingIO(s.format);
    await s.start(io);
    s.onAudio(Uint8Array.from([1, 0, 254, 255]));
    s.onDtmf('5');
    expect(io.hangups).toHaveLength(0);
    s.onDtmf('#');
    expect(io.audio).toEqual([Uint8Array.from([1, 0, 254, 255])]);
    expect(io.hangups).toEqual(['hangup digit']);
    await s.close({ endReason: 'caller_hangup' });
    s.onAudio(Uint8Array.from([9, 9]));
    expect(io.audio).toHaveLength(1);
  });

  it('validates its configuration through the catalog', () => {
    const catalog = new EngineCatalog([echoEngineSpec]);
    expect(catalog.parse({ type: 'echo', hangup_dtmf: '#', sample_rate: 8000 })).toEqual({ type: 'echo', hangup_dtmf: '#', sample_rate: 8000 });
    expect(() => catalog.parse({ type: 'echo', hangup_dtmf: '##' })).toThrow(/hangup_dtmf/);
    expect(() => catalog.parse({ type: 'echo', sample_rate: 11025 })).toThrow(/sample_rate/);
    expect(() => catalog.parse({ type: 'echo', extra: 1 })).toThrow(/invalid echo engine config/);
    expect(() => catalog.parse({ type: 'llm' })).toThrow(/engine.type must be one of: echo/);
  });
});
