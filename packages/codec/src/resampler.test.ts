import { describe, expect, it } from 'vitest';
import { CodecError } from './errors.ts';
import { designHalfBand } from './polyphase.ts';
import { Resampler } from './resampler.ts';
import { SUPPORTED_SAMPLE_RATES } from './sample-rates.ts';
import { rms, sine } from './testing/index.ts';

const PAIRS = SUPPORTED_SAMPLE_RATES.flatMap((from) =>
  SUPPORTED_SAMPLE_RATES.filter((to) => to !== from).map((to) => [from, to] as const),
);

function concat(parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Feeds `input` in pieces of the given sizes (cycled), then flushes. */
function runFramed(resampler: Resampler, input: Int16Array, sizes: readonly number[]): Int16Array {
  const parts: Int16Array[] = [];
  for (let offset = 0, i = 0; offset < input.length; i++) {
    const size = sizes[i % sizes.length]!;
    parts.push(resampler.process(input.subarray(offset, offset + size)));
    offset += size;
  }
  parts.push(resampler.flush());
  return concat(parts);
}

function runOneShot(resampler: Resampler, input: Int16Array): Int16Array {
  return concat([resampler.process(input), resampler.flush()]);
}

/** Deterministic full-scale noise (exercises clipping) via a small LCG. */
function noise(length: number, seed = 1): Int16Array {
  const out = new Int16Array(length);
  let s = seed;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = (s >>> 16) - 32768;
  }
  return out;
}

/** SNR (dB) of resampled `output` against the ideal, unquantised sine at the target rate. */
function snrAgainstIdealSine(output: Int16Array, r: Resampler, freq: number, amplitude: number): number {
  const w = (2 * Math.PI * freq) / r.toRate;
  // Skip the filter's ramp-in and ramp-out (one filter half-length, plus margin) at each end.
  const margin = 2 * r.delay + 16;
  let signal = 0;
  let error = 0;
  for (let n = margin; n < output.length - r.delay - margin; n++) {
    const ideal = amplitude * Math.sin(w * n);
    const diff = output[n + r.delay]! - ideal;
    signal += ideal * ideal;
    error += diff * diff;
  }
  expect(signal).toBeGreaterThan(0);
  return 10 * Math.log10(signal / error);
}

describe('Resampler', () => {
  describe.each(PAIRS)('%d Hz → %d Hz', (from, to) => {
    const input = concat([sine(440, from, 300, 12000), sine(1000, from, 300, 9000)]);

    it.each([440, 1000])('keeps a %d Hz sine with ≥ 40 dB SNR (delay compensated)', (freq) => {
      const amplitude = 12000;
      const r = new Resampler(from, to);
      const out = runOneShot(r, sine(freq, from, 500, amplitude));
      expect(snrAgainstIdealSine(out, r, freq, amplitude)).toBeGreaterThanOrEqual(40);
    });

    it('returns ceil(T × to / from) samples after T inputs, plus delay on flush', () => {
      const r = new Resampler(from, to);
      let total = 0;
      let returned = 0;
      for (const size of [1, 0, 7, 160, 3, 480, 2, 961]) {
        total += size;
        returned += r.process(new Int16Array(size)).length;
        expect(returned).toBe(Math.ceil((total * to) / from));
      }
      expect(returned + r.flush().length - r.delay).toBe(Math.ceil((total * to) / from));
    });

    it('returns exactly 20 ms per 20 ms frame', () => {
      const r = new Resampler(from, to);
      for (let i = 0; i < 10; i++) expect(r.process(new Int16Array(from / 50)).length).toBe(to / 50);
    });

    it('produces identical output frame by frame and in one call', () => {
      const oneShot = runOneShot(new Resampler(from, to), input);
      expect(runFramed(new Resampler(from, to), input, [from / 50])).toEqual(oneShot);
      expect(runFramed(new Resampler(from, to), input, [1, 7, 0, 13, 159, 3, 641, 2])).toEqual(oneShot);
      const loud = noise(from / 5);
      expect(runFramed(new Resampler(from, to), loud, [11, 1, 97])).toEqual(runOneShot(new Resampler(from, to), loud));
    });

    it('is back to its initial state after reset() and after flush()', () => {
      const fresh = runOneShot(new Resampler(from, to), input);
      const r = new Resampler(from, to);
      r.process(noise(333, 7));
      r.reset();
      expect(runOneShot(r, input)).toEqual(fresh);
      r.process(noise(101, 9));
      r.flush();
      expect(runOneShot(r, input)).toEqual(fresh);
    });
  });

  it('reports the group delay (20 samples of the lower rate)', () => {
    expect(new Resampler(8000, 16000).delay).toBe(40);
    expect(new Resampler(16000, 8000).delay).toBe(20);
    expect(new Resampler(8000, 48000).delay).toBe(120);
    expect(new Resampler(48000, 8000).delay).toBe(20);
    expect(new Resampler(16000, 24000).delay).toBe(30);
    expect(new Resampler(24000, 16000).delay).toBe(20);
  });

  it('passes DC at unity gain', () => {
    for (const [from, to] of PAIRS) {
      const r = new Resampler(from, to);
      const out = r.process(new Int16Array(from / 10).fill(-12345));
      expect(Array.from(new Set(out.subarray(2 * r.delay + 4)))).toEqual([-12345]);
    }
  });

  it('rejects content above the lower Nyquist frequency when decimating', () => {
    for (const [from, freq] of [
      [48000, 4100],
      [48000, 6000],
      [24000, 4300],
      [16000, 4500],
      [16000, 7900],
    ] as const) {
      const r = new Resampler(from, 8000);
      const out = r.process(sine(freq, from, 300, 16000));
      const attenuationDb = 20 * Math.log10(rms(out.subarray(200)) / (16000 / Math.SQRT2));
      expect(attenuationDb, `${freq} Hz at ${from} Hz`).toBeLessThan(-55);
    }
  });

  it('suppresses images when interpolating', () => {
    const r = new Resampler(8000, 48000);
    const out = r.process(sine(3000, 8000, 300, 16000));
    // Anything that is not the 3 kHz tone is an image (5, 11, 13, … kHz) or noise.
    const w = (2 * Math.PI * 3000) / 48000;
    let residual = 0;
    let count = 0;
    for (let n = 400; n < out.length - 400; n++) {
      const d = out[n]! - 16000 * Math.sin(w * (n - r.delay));
      residual += d * d;
      count++;
    }
    expect(20 * Math.log10(Math.sqrt(residual / count) / (16000 / Math.SQRT2))).toBeLessThan(-40);
  });

  it('is the identity when both rates are equal', () => {
    const r = new Resampler(16000, 16000);
    const input = noise(320);
    const out = r.process(input);
    expect(out).toEqual(input);
    expect(out.buffer).not.toBe(input.buffer);
    expect(r.delay).toBe(0);
    expect(r.flush().length).toBe(0);
  });

  it('returns arrays the caller owns', () => {
    const r = new Resampler(8000, 16000);
    const first = r.process(sine(440, 8000, 20));
    const copy = first.slice();
    r.process(sine(1000, 8000, 20));
    expect(first).toEqual(copy);
  });

  it('exposes its rates', () => {
    const r = new Resampler(24000, 8000);
    expect([r.fromRate, r.toRate]).toEqual([24000, 8000]);
  });

  it.each([
    [44100, 8000],
    [8000, 11025],
    [0, 16000],
    [16000, Number.NaN],
  ])('rejects %d → %d Hz with unsupported_sample_rate', (from, to) => {
    let caught: unknown;
    try {
      new Resampler(from, to);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CodecError);
    expect((caught as CodecError).code).toBe('unsupported_sample_rate');
  });
});

describe('Resampler, half-band path (2× pairs)', () => {
  const HALF_BAND_PAIRS = [
    [8000, 16000],
    [16000, 8000],
    [24000, 48000],
    [48000, 24000],
  ] as const;

  /** Direct-form reference: zero-stuff (×2) or not, convolve with the full prototype, keep every output / every other. */
  function reference(from: number, to: number, input: Int16Array): Int16Array {
    const hb = designHalfBand(from, to)!;
    const up = to > from;
    const centre = 2 * hb.pairs;
    const h = new Float64Array(2 * centre + 1);
    h[centre] = up ? 0.5 : hb.centre;
    for (let m = 0; m < hb.pairs; m++) h[centre - 1 - 2 * m] = h[centre + 1 + 2 * m] = up ? hb.coefficients[m]! / 2 : hb.coefficients[m]!;
    // At the higher rate: u[j] = x[j/2] (up, even j; ×2 gain folded into the branch sums) or x[j] (down).
    const highLength = up ? 2 * input.length : input.length;
    const u = new Float64Array(highLength);
    for (let i = 0; i < input.length; i++) u[up ? 2 * i : i] = input[i]!;
    const out: number[] = [];
    for (let n = 0; n < highLength; n += up ? 1 : 2) {
      let acc = 0;
      for (let j = 0; j < h.length; j++) if (n - j >= 0) acc += h[j]! * u[n - j]!;
      // Upsampling has a gain of 2 (half the samples of u are zero).
      const v = Math.round(up ? 2 * acc : acc);
      out.push(Math.max(-32768, Math.min(32767, v)));
    }
    return Int16Array.from(out);
  }

  it.each(HALF_BAND_PAIRS)('%d → %d Hz matches the direct-form half-band filter (±1 LSB)', (from, to) => {
    const input = concat([noise(from / 25, 3).map((v) => v >> 2), sine(700, from, 40, 20000)]);
    const got = runFramed(new Resampler(from, to), input, [from / 50, 7, 1]);
    const want = reference(from, to, input);
    expect(got.length - new Resampler(from, to).delay).toBe(want.length);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('has every other tap zero: the even outputs of 8 → 16 kHz are the input delayed by 20 samples', () => {
    const input = noise(800, 5);
    const out = new Resampler(8000, 16000).process(input);
    for (let i = 0; i < input.length; i++) expect(out[2 * i]).toBe(i < 20 ? 0 : input[i - 20]);
  });

  it('keeps 3.4 kHz within 1 dB and puts 4.5 kHz ≥ 55 dB down (8 ↔ 16 kHz)', () => {
    const pass = new Resampler(16000, 8000).process(sine(3400, 16000, 300, 16000));
    expect(20 * Math.log10(rms(pass.subarray(200)) / (16000 / Math.SQRT2))).toBeGreaterThan(-1);
    const image = new Resampler(8000, 16000).process(sine(3500, 8000, 300, 16000));
    // 3.5 kHz at 8 kHz images to 4.5 kHz at 16 kHz: what is not the tone is the image.
    const w = (2 * Math.PI * 3500) / 16000;
    let residual = 0;
    let count = 0;
    for (let n = 200; n < image.length - 200; n++) {
      const d = image[n]! - 16000 * Math.sin(w * (n - 40));
      residual += d * d;
      count++;
    }
    expect(20 * Math.log10(Math.sqrt(residual / count) / (16000 / Math.SQRT2))).toBeLessThan(-40);
  });
});

describe('Resampler.process(input, dst)', () => {
  it.each(PAIRS)('%d → %d Hz: fills dst with what process(input) returns; outputLength() is exact', (from, to) => {
    const a = new Resampler(from, to);
    const b = new Resampler(from, to);
    const dst = new Int16Array(4096);
    const input = noise(2000, 11);
    for (let offset = 0, i = 0; offset < input.length; i++) {
      const size = [from / 50, 1, 13, 0, 97][i % 5]!;
      const chunk = input.subarray(offset, offset + size);
      offset += size;
      const expected = a.process(chunk);
      expect(b.outputLength(chunk.length)).toBe(expected.length);
      const got = b.process(chunk, dst);
      expect(got.buffer).toBe(dst.buffer);
      expect(got).toEqual(expected);
    }
  });

  it('throws destination_too_small for a short dst, before consuming the input', () => {
    const r = new Resampler(8000, 16000);
    let caught: unknown;
    try {
      r.process(new Int16Array(160), new Int16Array(319));
    } catch (err) {
      caught = err;
    }
    expect((caught as CodecError).code).toBe('destination_too_small');
    expect(r.process(sine(440, 8000, 20))).toEqual(new Resampler(8000, 16000).process(sine(440, 8000, 20)));
  });

  it('copies into dst when the rates are equal', () => {
    const input = noise(320);
    const dst = new Int16Array(400);
    const out = new Resampler(16000, 16000).process(input, dst);
    expect(out.buffer).toBe(dst.buffer);
    expect(out).toEqual(input);
  });
});
