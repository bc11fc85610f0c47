/**
 * Streaming sample-rate converter between the telephony rates (8, 16, 24 and 48 kHz).
 *
 * A Kaiser-windowed sinc low-pass (cutoff 0.9 × the lower Nyquist, ~63 dB stopband) applied as a
 * rational L/M polyphase FIR. The filter is causal, so the output is the ideal resampled signal
 * delayed by {@link Resampler.delay} output samples; {@link Resampler.flush} releases that tail.
 *
 * The 2× pairs (8↔16 and 24↔48 kHz) use a half-band filter of the same length and delay instead
 * (cutoff at the lower Nyquist, every other tap zero): upsampling copies the input to the even
 * outputs and filters only the odd ones; downsampling skips the zero taps. About a quarter of the
 * multiplications of the general path.
 */
import { int16Destination } from './destination.ts';
import { type HalfBandDesign, halfBandFor, type PolyphaseDesign, polyphaseFor } from './polyphase.ts';
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
 * Each call returns a new array the caller owns, or fills the caller's `dst`; the filter history
 * and work buffer are reused.
 */
export class Resampler {
  /** Input sample rate, Hz. */
  readonly fromRate: SupportedSampleRate;
  /** Output sample rate, Hz. */
  readonly toRate: SupportedSampleRate;
  /** Group delay in output samples (an integer; 0 when the rates are equal). */
  readonly delay: number;

  readonly #design: PolyphaseDesign | undefined;
  /** Set for the 2× pairs: then #design is unused. */
  readonly #halfBand: HalfBandDesign | undefined;
  /** Half-band: true when upsampling. */
  readonly #halfUp: boolean;
  /** Samples of history kept in front of the input in #work. */
  readonly #history: number;
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
    this.#halfUp = toRate > fromRate;
    if (fromRate === toRate) {
      this.#design = undefined;
      this.#halfBand = undefined;
      this.#history = 0;
      this.#kernels = [];
      this.delay = 0;
      this.#tail = new Int16Array(0);
      this.#work = new Float64Array(0);
      return;
    }
    const halfBand = halfBandFor(fromRate, toRate);
    if (halfBand !== undefined) {
      this.#design = undefined;
      this.#halfBand = halfBand;
      this.#kernels = [];
      this.delay = halfBand.delayOut;
      this.#tail = new Int16Array(halfBand.delayIn);
      // Upsampling reads x[i − 2·pairs + 1 … i]; downsampling x[i − 4·pairs + 1 … i].
      this.#history = (this.#halfUp ? 2 : 4) * halfBand.pairs - 1;
      this.#work = new Float64Array(this.#history + INITIAL_CAPACITY);
      return;
    }
    const design = polyphaseFor(fromRate, toRate);
    this.#design = design;
    this.#halfBand = undefined;
    this.#kernels = branchKernels(design);
    this.delay = design.delayOut;
    this.#tail = new Int16Array(design.delayIn);
    this.#history = design.taps - 1;
    this.#work = new Float64Array(design.taps - 1 + INITIAL_CAPACITY);
  }

  /** Output samples the next `process()` of `inputLength` samples returns. */
  outputLength(inputLength: number): number {
    if (this.fromRate === this.toRate) return inputLength;
    if (this.#halfBand !== undefined) return this.#halfUp ? 2 * inputLength : this.#next < inputLength ? ((inputLength - this.#next + 1) >> 1) : 0;
    const { up, down } = this.#design!;
    return this.#next < inputLength ? Math.ceil(((inputLength - this.#next) * up - this.#phase) / down) : 0;
  }

  /**
   * Resamples the next block of input and returns every output sample it completes: a new array,
   * or `dst.subarray(0, count)` when `dst` is given (it must hold {@link outputLength} samples;
   * `destination_too_small` otherwise). `dst` must not overlap `input`.
   */
  process(input: Int16Array, dst?: Int16Array): Int16Array {
    const design = this.#design;
    if (design === undefined) {
      if (this.#halfBand !== undefined) return this.#processHalfBand(this.#halfBand, input, dst);
      if (dst === undefined) return input.slice();
      const copy = int16Destination(input.length, dst);
      copy.set(input);
      return copy;
    }
    const { up, down, taps, coefficients } = design;
    const history = taps - 1;
    const n = input.length;
    const kernels = this.#kernels;
    let index = this.#next;
    let phase = this.#phase;
    const count = index < n ? Math.ceil(((n - index) * up - phase) / down) : 0;
    const out = int16Destination(count, dst);
    if (this.#work.length < history + n) this.#grow(history + n);
    const work = this.#work;
    work.set(input, history);

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

  #processHalfBand(hb: HalfBandDesign, input: Int16Array, dst: Int16Array | undefined): Int16Array {
    const history = this.#history;
    const n = input.length;
    const pairs = hb.pairs;
    const c = hb.coefficients;
    if (this.#halfUp) {
      const out = int16Destination(2 * n, dst);
      if (this.#work.length < history + n) this.#grow(history + n);
      const work = this.#work;
      work.set(input, history);
      // Input k (x[i]) completes outputs 2k and 2k+1: x[i − pairs] and
      // Σ c[m]·(x[i − pairs − m] + x[i − pairs + 1 + m]); x[i − r] is work[history + k − r].
      for (let k = 0; k < n; k++) {
        const mid = history + k - pairs;
        out[2 * k] = work[mid]!;
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        for (let m = 0, lo = mid, hi = mid + 1; m < pairs; m += 4, lo -= 4, hi += 4) {
          a0 += c[m]! * (work[lo]! + work[hi]!);
          a1 += c[m + 1]! * (work[lo - 1]! + work[hi + 1]!);
          a2 += c[m + 2]! * (work[lo - 2]! + work[hi + 2]!);
          a3 += c[m + 3]! * (work[lo - 3]! + work[hi + 3]!);
        }
        const rounded = Math.round(a0 + a1 + (a2 + a3));
        out[2 * k + 1] = rounded > 32767 ? 32767 : rounded < -32768 ? -32768 : rounded;
      }
      work.copyWithin(0, n, n + history);
      return out;
    }
    let k = this.#next;
    const count = k < n ? (n - k + 1) >> 1 : 0;
    const out = int16Destination(count, dst);
    if (this.#work.length < history + n) this.#grow(history + n);
    const work = this.#work;
    work.set(input, history);
    const centre = hb.centre;
    // Output at input k (x[i], i even overall): centre·x[i − 2·pairs] + Σ c[m]·(x[i − 2·pairs − 1 − 2m] + x[i − 2·pairs + 1 + 2m]).
    for (let o = 0; o < count; o++, k += 2) {
      const mid = history + k - 2 * pairs;
      let a0 = centre * work[mid]!;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let m = 0, lo = mid - 1, hi = mid + 1; m < pairs; m += 4, lo -= 8, hi += 8) {
        a0 += c[m]! * (work[lo]! + work[hi]!);
        a1 += c[m + 1]! * (work[lo - 2]! + work[hi + 2]!);
        a2 += c[m + 2]! * (work[lo - 4]! + work[hi + 4]!);
        a3 += c[m + 3]! * (work[lo - 6]! + work[hi + 6]!);
      }
      const rounded = Math.round(a0 + a1 + (a2 + a3));
      out[o] = rounded > 32767 ? 32767 : rounded < -32768 ? -32768 : rounded;
    }
    work.copyWithin(0, n, n + history);
    this.#next = k - n;
    return out;
  }

  /**
   * Returns the samples still inside the filter (the last {@link Resampler.delay} samples worth of
   * signal, computed as if silence followed) and then resets, ready for a new stream.
   */
  flush(): Int16Array {
    if (this.fromRate === this.toRate) return new Int16Array(0);
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
    work.set(this.#work.subarray(0, this.#history));
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
