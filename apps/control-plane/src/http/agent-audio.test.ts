import { describe, expect, it } from 'vitest';
import { agentSampleRate } from './agent-audio.ts';

describe('agentSampleRate', () => {
  it('is the configuration\'s sample_rate, capped at 24 kHz', () => {
    expect(agentSampleRate({ type: 'echo', sample_rate: 8000 })).toBe(8000);
    expect(agentSampleRate({ type: 'bridge', protocol: 'vobiz', encoding: 'l16', sample_rate: 16000 })).toBe(16000);
    expect(agentSampleRate({ type: 'bridge', protocol: 'vr3', sample_rate: 48000 })).toBe(24000);
  });

  it('else the engine\'s own rate: echo and voice 16 kHz, realtime and bridge telephone audio', () => {
    expect(agentSampleRate({ type: 'echo' })).toBe(16000);
    expect(agentSampleRate({ type: 'voice' })).toBe(16000);
    expect(agentSampleRate({ type: 'realtime' })).toBe(8000);
    expect(agentSampleRate({ type: 'bridge', protocol: 'twilio' })).toBe(8000);
  });

  it('8 kHz for an unknown engine or no configuration', () => {
    for (const engine of [null, undefined, 'echo', { type: 'constructor' }, { type: 'future' }]) expect(agentSampleRate(engine)).toBe(8000);
  });
});
