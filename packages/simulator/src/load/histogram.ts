/**
 * A fixed-resolution latency histogram (by default 10 µs buckets up to 100 ms), one overflow bucket
 * above, plus exact max and mean. Recording is two array writes; percentiles walk the buckets.
 */

/** Percentiles of a {@link Histogram}, in milliseconds (null when empty). */
export interface Percentiles {
  count: number;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
}

export class Histogram {
  readonly #bucketMs: number;
  readonly #buckets: number;
  readonly #counts: Uint32Array;
  #count = 0;
  #sum = 0;
  #max = 0;

  /**
   * @param bucketMs - resolution, ms.
   * @param rangeMs - values above fall in one overflow bucket (their percentiles read as the maximum).
   */
  constructor(bucketMs = 0.01, rangeMs = 100) {
    this.#bucketMs = bucketMs;
    this.#buckets = Math.ceil(rangeMs / bucketMs);
    this.#counts = new Uint32Array(this.#buckets + 1);
  }

  /** Records one value in ms (negative values count as 0). */
  record(ms: number): void {
    const v = ms > 0 ? ms : 0;
    const bucket = Math.floor(v / this.#bucketMs);
    this.#counts[bucket < this.#buckets ? bucket : this.#buckets]!++;
    this.#count++;
    this.#sum += v;
    if (v > this.#max) this.#max = v;
  }

  get count(): number {
    return this.#count;
  }

  /** The value at quantile `q` (0–1): the upper edge of its bucket, at most the maximum seen. */
  quantile(q: number): number | null {
    if (this.#count === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (let i = 0; i <= this.#buckets; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) return i === this.#buckets ? this.#max : Math.min((i + 1) * this.#bucketMs, this.#max);
    }
    return this.#max;
  }

  summary(): Percentiles {
    const round = (v: number | null): number | null => (v === null ? null : Math.round(v * 1000) / 1000);
    return {
      count: this.#count,
      mean: round(this.#count === 0 ? null : this.#sum / this.#count),
      p50: round(this.quantile(0.5)),
      p90: round(this.quantile(0.9)),
      p99: round(this.quantile(0.99)),
      p999: round(this.quantile(0.999)),
      max: round(this.#count === 0 ? null : this.#max),
    };
  }

  reset(): void {
    this.#counts.fill(0);
    this.#count = 0;
    this.#sum = 0;
    this.#max = 0;
  }
}
