import { describe, expect, it } from 'vitest';
import * as codec from '@vr3/codec';
import * as testing from '@vr3/codec/testing';

describe('package entry points', () => {
  it('exposes the public API through the exports map', () => {
    expect(Object.keys(codec).sort()).toEqual(
      [
        'ALAW_SILENCE',
        'CodecError',
        'CodecErrorCode',
        'MULAW_SILENCE',
        'RECHUNKER_DEFAULTS',
        'Rechunker',
        'Resampler',
        'SUPPORTED_SAMPLE_RATES',
        'WavFormat',
        'alawDecode',
        'alawEncode',
        'alawToLinear',
        'assertSupportedSampleRate',
        'int16ToPcm16be',
        'int16ToPcm16le',
        'isSupportedSampleRate',
        'linearToAlaw',
        'linearToMulaw',
        'mulawDecode',
        'mulawEncode',
        'mulawToLinear',
        'pcm16beToInt16',
        'pcm16leToInt16',
        'readWav',
        'writeWav',
      ].sort(),
    );
    expect(Object.keys(testing).sort()).toEqual(['DEFAULT_TONE_AMPLITUDE', 'dominantFrequency', 'rms', 'sine', 'toneAmplitude']);
  });

  it('silence constants decode to (near) zero', () => {
    expect(codec.mulawToLinear(codec.MULAW_SILENCE)).toBe(0);
    expect(codec.linearToMulaw(0)).toBe(codec.MULAW_SILENCE);
    expect(codec.linearToAlaw(0)).toBe(codec.ALAW_SILENCE);
    expect(Math.abs(codec.alawToLinear(codec.ALAW_SILENCE))).toBe(8);
  });

  it('carries stable codes on errors', () => {
    const err = new codec.CodecError(codec.CodecErrorCode.InvalidWav, 'x', { cause: new Error('inner') });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('CodecError');
    expect(err.code).toBe('invalid_wav');
    expect(err.retryable).toBe(false);
    expect((err.cause as Error).message).toBe('inner');
    expect(codec.isSupportedSampleRate(24000)).toBe(true);
    expect(codec.isSupportedSampleRate(22050)).toBe(false);
    expect(() => codec.assertSupportedSampleRate(22050)).toThrow(expect.objectContaining({ code: 'unsupported_sample_rate' }));
  });

  it('composes: 8 kHz μ-law → 16 kHz PCM16 → back, tone preserved', () => {
    const tone = testing.sine(1000, 8000, 400, 8000);
    const up = new codec.Resampler(8000, 16000);
    const down = new codec.Resampler(16000, 8000);
    const chunker = new codec.Rechunker(160);
    const out: number[] = [];
    for (const frame of chunker.write(codec.mulawEncode(tone))) {
      const pcm = codec.int16ToPcm16le(up.process(codec.mulawDecode(frame)));
      out.push(...codec.mulawDecode(codec.mulawEncode(down.process(codec.pcm16leToInt16(pcm)))));
    }
    expect(out.length).toBe(tone.length);
    const settled = out.slice(200);
    expect(Math.abs(testing.dominantFrequency(settled, 8000) - 1000)).toBeLessThan(1);
    expect(testing.rms(settled) / testing.rms(tone)).toBeGreaterThan(0.97);
    expect(testing.rms(settled) / testing.rms(tone)).toBeLessThan(1.03);
  });
});
