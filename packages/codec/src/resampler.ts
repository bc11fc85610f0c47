/**
 * Streaming sample-rate converter between the telephony rates (8, 16, 24 and 48 kHz).
 *
 * A Kaiser-windowed sinc low-pass (cutoff 0.9 × the lower Nyquist, ~63 dB stopband) applied as a
 * rational L/M polyphase FIR. The filter is causal, so the output is the ideal resampled signal
 * delayed by {@link Resampler.delay} output samples; {@link Resampler.flush} releases that tail.
 */
import { type PolyphaseDesign, polyphaseFor } from './polyphase.ts';
import { assertSupportedSampleRate, type SupportedSampleRate } from './sample-rates.ts';

/** Input capacity (samples) of the first work buffer; grows on demand and is then reused. */
const INITIAL_CAPACITY = 1024;

/**
 * Converts 16-bit mono audio from `fromRate` to `toRate`, one frame at a time.
 *
 * Contract:
 * - **Deterministic framing.** After `T` input samples in total, however they were split across
 *   `process()` calls, exactly `ceil(T × toRate / fromRate)` samples have been returned, and they are
 *   bit-identical to those of a single call with the whole input. With 20 ms frames every call
 *   returns exactly 20 ms of output.
 * - **Delay.** Output sample `n + delay` corresponds to input time `n / toRate`. The delay is
 *   `20 / min(fromRate, toRate)` seconds (2.5 ms when 8 kHz is involved), 0 when the rates are equal.
 * - **Tail.** `flush()` returns the last `delay` samples worth of signal still inside the filter, so
 *   that dropping the first `delay` samples of `process()…flush()` leaves exactly
 *   `ceil(T × toRate / fromRate)` time-aligned samples.
 *
 * Each call returns a new array the caller owns; the filter history and work buffer are reused.
 */
export class Resampler {
  /** Input sample rate, Hz. */
  readonly fromRate: SupportedSampleRate;
  /** Output sample rate, Hz. */
  readonly toRate: SupportedSampleRate;
  /** Group delay in output samples (an integer; 0 when the rates are equal). */
  readonly delay: number;

  readonly #design: PolyphaseDesign | undefined;
  readonly #kernels: readonly BranchKernel[];
  /** Silence fed by flush(): the group delay expressed in input samples. */
  readonly #tail: Int16Array;
  /** `taps − 1` samples of history followed by the current input, as float64. */
  #work: Float64Array;
  /** Index (relative to the next input's first sample) of the newest input the next output needs. */
  #next = 0;
  /** Polyphase branch of the next output. */
  #phase = 0;

  /**
   * @throws {@link CodecError} `unsupported_sample_rate` unless both rates are 8000, 16000, 24000 or 48000.
   */
  constructor(fromRate: number, toRate: number) {
    assertSupportedSampleRate(fromRate);
    assertSupportedSampleRate(toRate);
    this.fromRate = fromRate;
    this.toRate = toRate;
    if (fromRate === toRate) {
      this.#design = undefined;
      this.#kernels = [];
      this.delay = 0;
      this.#tail = new Int16Array(0);
      this.#work = new Float64Array(0);
      return;
    }
    const design = polyphaseFor(fromRate, toRate);
    this.#design = design;
    this.#kernels = branchKernels(design);
    this.delay = design.delayOut;
    this.#tail = new Int16Array(design.delayIn);
    this.#work = new Float64Array(design.taps - 1 + INITIAL_CAPACITY);
  }

  /** Resamples the next block of input and returns every output sample it completes. */
  process(input: Int16Array): Int16Array {
    const design = this.#design;
    if (design === undefined) return input.slice();
    const { up, down, taps, coefficients } = design;
    const history = taps - 1;
    const n = input.length;
    if (this.#work.length < history + n) this.#grow(history + n);
    const work = this.#work;
    work.set(input, history);

    const kernels = this.#kernels;
    let index = this.#next;
    let phase = this.#phase;
    const count = index < n ? Math.ceil(((n - index) * up - phase) / down) : 0;
    const out = new Int16Array(count);
    for (let o = 0; o < count; o++) {
      // work[index + k] is x[index − taps + 1 + k]; the branch is stored time-reversed to match.
      const kernel = kernels[phase]!;
      const c = kernel.offset + phase * taps;
      const x = index + kernel.offset;
      const acc = kernel.symmetric ? dotSymmetric(work, x, coefficients, c, kernel.length) : dot(work, x, coefficients, c, kernel.length);
      const rounded = Math.round(acc);
      out[o] = rounded > 32767 ? 32767 : rounded < -32768 ? -32768 : rounded;
      phase += down;
      while (phase >= up) {
        phase -= up;
        index++;
      }
    }
    work.copyWithin(0, n, n + history);
    this.#next = index - n;
    this.#phase = phase;
    return out;
  }

  /**
   * Returns the samples still inside the filter (the last {@link Resampler.delay} samples worth of
   * signal, computed as if silence followed) and then resets, ready for a new stream.
   */
  flush(): Int16Array {
    if (this.#design === undefined) return new Int16Array(0);
    const out = this.process(this.#tail);
    this.reset();
    return out;
  }

  /** Forgets all history, as if newly constructed. Keeps the allocated work buffer. */
  reset(): void {
    this.#work.fill(0);
    this.#next = 0;
    this.#phase = 0;
  }

  #grow(minLength: number): void {
    let length = this.#work.length;
    while (length < minLength) length *= 2;
    const work = new Float64Array(length);
    work.set(this.#work.subarray(0, (this.#design?.taps ?? 1) - 1));
    this.#work = work;
  }
}

/**
 * The non-zero span of one polyphase branch, and whether it is exactly symmetric (then each
 * coefficient multiplies the sum of the two samples it applies to: half the multiplications).
 * For 8↔16 kHz every branch is symmetric.
 */
interface BranchKernel {
  readonly offset: number;
  readonly length: number;
  readonly symmetric: boolean;
}

function branchKernels(design: PolyphaseDesign): BranchKernel[] {
  const { up, taps, coefficients } = design;
  const kernels: BranchKernel[] = [];
  for (let p = 0; p < up; p++) {
    const base = p * taps;
    let first = 0;
    let last = taps - 1;
    while (first < last && coefficients[base + first] === 0) first++;
    while (last > first && coefficients[base + last] === 0) last--;
    const length = last - first + 1;
    let symmetric = true;
    for (let k = 0; k < length >> 1 && symmetric; k++) {
      symmetric = coefficients[base + first + k] === coefficients[base + last - k];
    }
    kernels.push({ offset: first, length, symmetric });
  }
  return kernels;
}

/** Σ c[c0 + k] · w[x0 + k] for k < length, with four independent accumulators. */
function dot(w: Float64Array, x0: number, c: Float64Array, c0: number, length: number): number {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let k = 0;
  for (; k + 3 < length; k += 4) {
    a0 += c[c0 + k]! * w[x0 + k]!;
    a1 += c[c0 + k + 1]! * w[x0 + k + 1]!;
    a2 += c[c0 + k + 2]! * w[x0 + k + 2]!;
    a3 += c[c0 + k + 3]! * w[x0 + k + 3]!;
  }
  for (; k < length; k++) a0 += c[c0 + k]! * w[x0 + k]!;
  return a0 + a1 + (a2 + a3);
}

/** {@link dot} for a symmetric branch (c[k] = c[length − 1 − k]): folds the two halves first. */
function dotSymmetric(w: Float64Array, x0: number, c: Float64Array, c0: number, length: number): number {
  const half = length >> 1;
  const x1 = x0 + length - 1;
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let k = 0;
  for (; k + 3 < half; k += 4) {
    a0 += c[c0 + k]! * (w[x0 + k]! + w[x1 - k]!);
    a1 += c[c0 + k + 1]! * (w[x0 + k + 1]! + w[x1 - k - 1]!);
    a2 += c[c0 + k + 2]! * (w[x0 + k + 2]! + w[x1 - k - 2]!);
    a3 += c[c0 + k + 3]! * (w[x0 + k + 3]! + w[x1 - k - 3]!);
  }
  for (; k < half; k++) a0 += c[c0 + k]! * (w[x0 + k]! + w[x1 - k]!);
  if ((length & 1) !== 0) a0 += c[c0 + half]! * w[x0 + half]!;
  return a0 + a1 + (a2 + a3);
}
