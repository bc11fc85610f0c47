/**
 * Kaiser-windowed sinc low-pass, split into polyphase branches for rational resampling by L/M.
 * Internal to the resampler; designs are pure and memoised per rate pair.
 */

/**
 * Half-length of the prototype filter, in samples of the lower of the two rates (so the group delay
 * is 20 / lowerRate seconds: 2.5 ms when 8 kHz is involved). Must be even so that 16↔24 kHz has an
 * integer delay on both sides.
 */
export const ZERO_CROSSINGS = 20;
/**
 * Cutoff (−6 dB point) as a fraction of the lower rate's Nyquist frequency: 3.6 kHz for 8 kHz audio.
 * With the window below the response is flat (±0.01 dB) to 0.75 × Nyquist, about −0.9 dB at
 * 0.85 × Nyquist (3.4 kHz at 8 kHz), and at least 63 dB down from Nyquist upwards.
 */
export const ROLLOFF = 0.9;
/** Kaiser window shape parameter β. */
export const KAISER_BETA = 6;

/** A rational resampling filter: output rate = input rate × up / down. */
export interface PolyphaseDesign {
  /** Interpolation factor L. */
  readonly up: number;
  /** Decimation factor M. */
  readonly down: number;
  /** Taps per polyphase branch K. */
  readonly taps: number;
  /**
   * `up` branches of `taps` coefficients each, branch-major; each branch is stored time-reversed so
   * output = Σₖ coefficients[p·K + k] · x[i − K + 1 + k], and each branch sums to exactly 1 (unity DC gain).
   */
  readonly coefficients: Float64Array;
  /** Group delay in output samples (an integer). */
  readonly delayOut: number;
  /** Group delay in input samples (an integer). */
  readonly delayIn: number;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function of the first kind (power series). */
function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 64 && term > sum * 1e-17; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/** Designs the polyphase filter converting `fromRate` to `toRate` (both positive integers, not equal). */
export function designPolyphase(fromRate: number, toRate: number): PolyphaseDesign {
  const g = gcd(fromRate, toRate);
  const up = toRate / g;
  const down = fromRate / g;
  const lowRate = Math.min(fromRate, toRate);
  const upRate = fromRate * up;
  // Centre of the prototype, in up-rate samples: ZERO_CROSSINGS periods of the lower rate.
  // For the supported rates this is a multiple of both `up` and `down`, so the delay is whole
  // samples on both sides.
  const centre = (ZERO_CROSSINGS * upRate) / lowRate;
  const length = 2 * centre + 1;
  const taps = Math.ceil(length / up);
  const cutoff = (ROLLOFF * lowRate) / 2 / upRate; // cycles per up-rate sample
  const i0Beta = besselI0(KAISER_BETA);

  const coefficients = new Float64Array(up * taps);
  for (let phase = 0; phase < up; phase++) {
    let sum = 0;
    const branch = new Float64Array(taps);
    for (let m = 0; m < taps; m++) {
      const j = phase + m * up;
      if (j >= length) continue;
      const t = (j - centre) / centre;
      const window = besselI0(KAISER_BETA * Math.sqrt(Math.max(0, 1 - t * t))) / i0Beta;
      const h = 2 * cutoff * sinc(2 * cutoff * (j - centre)) * window;
      branch[m] = h;
      sum += h;
    }
    for (let m = 0; m < taps; m++) coefficients[phase * taps + (taps - 1 - m)] = branch[m]! / sum;
  }
  return { up, down, taps, coefficients, delayOut: centre / down, delayIn: centre / up };
}

const designs = new Map<string, PolyphaseDesign>();

/** {@link designPolyphase}, memoised: designs are immutable and shared by every resampler. */
export function polyphaseFor(fromRate: number, toRate: number): PolyphaseDesign {
  const key = `${fromRate}:${toRate}`;
  let design = designs.get(key);
  if (design === undefined) {
    design = designPolyphase(fromRate, toRate);
    designs.set(key, design);
  }
  return design;
}

/**
 * A half-band filter for the 2× pairs (8↔16 and 24↔48 kHz): the same length and group delay as
 * {@link designPolyphase} (ZERO_CROSSINGS periods of the lower rate each side of the centre), with
 * the cutoff at exactly half the lower Nyquist's double, i.e. a quarter of the higher rate, so that
 * every other tap is zero. Transition band ± ~0.4 kHz around the lower Nyquist for 8↔16 kHz (about
 * 3.6–4.4 kHz), ~63 dB stopband (same Kaiser window).
 *
 * Upsampling by 2: the even outputs are the input delayed (centre tap 1), the odd outputs a
 * symmetric FIR of `pairs` coefficient pairs. Downsampling by 2: `centre` × the middle sample plus
 * the same symmetric FIR over the odd-distance samples.
 */
export interface HalfBandDesign {
  /** Coefficient pairs (non-zero taps on each side of the centre). */
  readonly pairs: number;
  /**
   * `pairs` coefficients, nearest to the centre first: tap at distance 2m+1 (in higher-rate
   * samples) from the centre. Scaled for the direction (see {@link halfBandFor}).
   */
  readonly coefficients: Float64Array;
  /** Centre tap (downsampling; 1 when upsampling, where it is a pure delay). */
  readonly centre: number;
  /** Group delay in output samples. */
  readonly delayOut: number;
  /** Group delay in input samples. */
  readonly delayIn: number;
}

/** Designs the half-band filter for `fromRate` → `toRate` when one is twice the other; else undefined. */
export function designHalfBand(fromRate: number, toRate: number): HalfBandDesign | undefined {
  const up = toRate === 2 * fromRate;
  if (!up && fromRate !== 2 * toRate) return undefined;
  // Centre of the prototype, in higher-rate samples (40 for 8↔16 kHz): an even number.
  const centre = 2 * ZERO_CROSSINGS;
  const pairs = ZERO_CROSSINGS;
  // The resampler's inner loops take the pairs four at a time.
  if (pairs % 4 !== 0) throw new Error(`half-band pairs must be a multiple of 4, got ${pairs}`);
  const i0Beta = besselI0(KAISER_BETA);
  const odd = new Float64Array(pairs);
  let oddSum = 0;
  for (let m = 0; m < pairs; m++) {
    const d = 2 * m + 1; // distance from the centre
    const t = d / centre;
    const window = besselI0(KAISER_BETA * Math.sqrt(Math.max(0, 1 - t * t))) / i0Beta;
    odd[m] = 0.5 * sinc(0.5 * d) * window;
    oddSum += 2 * odd[m]!;
  }
  if (up) {
    // Odd-output branch on its own sums to 1 (unity DC gain); the even branch is the centre tap, 1.
    for (let m = 0; m < pairs; m++) odd[m] = odd[m]! / oddSum;
    return { pairs, coefficients: odd, centre: 1, delayOut: centre, delayIn: centre / 2 };
  }
  const total = 0.5 + oddSum;
  for (let m = 0; m < pairs; m++) odd[m] = odd[m]! / total;
  return { pairs, coefficients: odd, centre: 0.5 / total, delayOut: centre / 2, delayIn: centre };
}

const halfBands = new Map<string, HalfBandDesign | undefined>();

/** {@link designHalfBand}, memoised. */
export function halfBandFor(fromRate: number, toRate: number): HalfBandDesign | undefined {
  const key = `${fromRate}:${toRate}`;
  if (!halfBands.has(key)) halfBands.set(key, designHalfBand(fromRate, toRate));
  return halfBands.get(key);
}
