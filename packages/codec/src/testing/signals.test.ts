import { describe, expect, it } from 'vitest';
import { dominantFrequency, rms, sine, toneAmplitude } from './index.ts';

describe('testing signals', () => {
  it('generates a sine of the requested length, frequency and level', () => {
    const tone = sine(1000, 8000, 20, 10000);
    expect(tone.length).toBe(160);
    expect(Array.from(tone.subarray(0, 9))).toEqual([0, 7071, 10000, 7071, 0, -7071, -10000, -7071, 0]);
    expect(sine(440, 16000, 1000).length).toBe(16000);
    expect(Math.max(...sine(440, 16000, 100))).toBe(8192);
  });

  it('measures RMS', () => {
    expect(rms(new Int16Array(0))).toBe(0);
    expect(rms(Int16Array.of(3, -3, 3, -3))).toBe(3);
    expect(rms(sine(1000, 8000, 1000, 10000))).toBeCloseTo(10000 / Math.SQRT2, 0);
  });

  it.each([
    [440, 8000],
    [1000, 8000],
    [1234.5, 16000],
    [3000, 8000],
    [7000, 48000],
    [150, 24000],
  ])('finds the dominant frequency of %d Hz at %d Hz', (freq, rate) => {
    expect(Math.abs(dominantFrequency(sine(freq, rate, 200, 8000, 0.3), rate) - freq)).toBeLessThan(0.5);
  });

  it('finds the loudest of two tones, ignoring DC', () => {
    const a = sine(600, 8000, 250, 3000);
    const b = sine(2200, 8000, 250, 6000);
    const mix = a.map((v, i) => v + b[i]! + 5000);
    expect(Math.abs(dominantFrequency(mix, 8000) - 2200)).toBeLessThan(0.5);
    expect(dominantFrequency(new Int16Array(100), 8000)).toBe(0);
    expect(() => dominantFrequency(new Int16Array(1), 8000)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });

  it('estimates the amplitude of one component', () => {
    const a = sine(600, 8000, 250, 3000);
    const b = sine(2200, 8000, 250, 6000);
    const mix = a.map((v, i) => v + b[i]!);
    expect(toneAmplitude(mix, 8000, 600)).toBeCloseTo(3000, -1);
    expect(toneAmplitude(mix, 8000, 2200)).toBeCloseTo(6000, -1);
    expect(toneAmplitude(mix, 8000, 1400)).toBeLessThan(5);
  });
});
