/**
 * Signal generators and measurements for tests: make a tone, then check what came back.
 * Not for production paths (allocates freely, O(n log n) analysis).
 */
import { CodecError, CodecErrorCode } from '../errors.ts';
import { fftInPlace } from './fft.ts';

/** Peak amplitude {@link sine} uses when none is given: 8192, i.e. −12 dBFS. */
export const DEFAULT_TONE_AMPLITUDE = 8192;

/**
 * A sine tone as 16-bit samples: `round(amplitude × sin(2π·freqHz·i / sampleRate + phase))`.
 *
 * @param freqHz - tone frequency, Hz.
 * @param sampleRate - samples per second.
 * @param durationMs - length; the result has `round(sampleRate × durationMs / 1000)` samples.
 * @param amplitude - peak value in sample units (0–32767), default {@link DEFAULT_TONE_AMPLITUDE}.
 * @param phase - starting phase, radians (default 0).
 */
export function sine(
  freqHz: number,
  sampleRate: number,
  durationMs: number,
  amplitude: number = DEFAULT_TONE_AMPLITUDE,
  phase = 0,
): Int16Array {
  if (!(sampleRate > 0) || !(durationMs >= 0)) {
    throw new CodecError(CodecErrorCode.InvalidArgument, 'sampleRate must be > 0 and durationMs >= 0');
  }
  const out = new Int16Array(Math.round((sampleRate * durationMs) / 1000));
  const w = (2 * Math.PI * freqHz) / sampleRate;
  for (let i = 0; i < out.length; i++) {
    const v = Math.round(amplitude * Math.sin(w * i + phase));
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return out;
}

/** Root-mean-square level in sample units (a full-scale sine is ≈ 23170); 0 for no samples. */
export function rms(samples: ArrayLike<number>): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
  return Math.sqrt(sum / samples.length);
}

/**
 * The frequency (Hz) carrying the most energy, excluding DC: Hann-windowed, zero-padded FFT peak
 * refined by parabolic interpolation. Accurate to well under 1 Hz for a clean tone of 100 ms or more.
 * Returns 0 for silence.
 *
 * @throws {@link CodecError} `invalid_argument` when fewer than 2 samples are given.
 */
export function dominantFrequency(samples: ArrayLike<number>, sampleRate: number): number {
  const n = samples.length;
  if (n < 2) throw new CodecError(CodecErrorCode.InvalidArgument, 'need at least 2 samples');
  let mean = 0;
  for (let i = 0; i < n; i++) mean += samples[i]!;
  mean /= n;
  let size = 1;
  while (size < 4 * n) size <<= 1;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let i = 0; i < n; i++) {
    re[i] = (samples[i]! - mean) * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)));
  }
  fftInPlace(re, im);
  const power = (k: number): number => re[k]! * re[k]! + im[k]! * im[k]!;
  let peak = 1;
  for (let k = 2; k <= size / 2; k++) if (power(k) > power(peak)) peak = k;
  if (power(peak) === 0) return 0;
  let offset = 0;
  if (peak > 1 && peak < size / 2) {
    const a = Math.log(power(peak - 1) + 1e-300);
    const b = Math.log(power(peak));
    const c = Math.log(power(peak + 1) + 1e-300);
    const denominator = a - 2 * b + c;
    if (denominator < 0) offset = (0.5 * (a - c)) / denominator;
  }
  return ((peak + offset) * sampleRate) / size;
}

/**
 * Estimated peak amplitude (sample units) of the component at `freqHz`: a Hann-windowed single-bin
 * DFT evaluated exactly at that frequency. For a clean tone this is close to the amplitude passed to
 * {@link sine}; other components more than a few bins away barely register.
 */
export function toneAmplitude(samples: ArrayLike<number>, sampleRate: number, freqHz: number): number {
  const n = samples.length;
  if (n < 2) return 0;
  const w = (2 * Math.PI * freqHz) / sampleRate;
  let re = 0;
  let im = 0;
  let windowSum = 0;
  for (let i = 0; i < n; i++) {
    const win = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    const v = samples[i]! * win;
    re += v * Math.cos(w * i);
    im -= v * Math.sin(w * i);
    windowSum += win;
  }
  return (2 * Math.hypot(re, im)) / windowSum;
}
