/** Reads a Prometheus text exposition (the product's /metrics) into samples. */

/** One sample: metric name, labels, value. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseMetrics(text: string): MetricSample[] {
  const out: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** The value of the first sample named `name` whose labels include `labels`. */
export function metricValue(samples: MetricSample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

/**
 * The `/metrics` bearer token of every process the benches start (`VR3_METRICS_TOKEN`: the product
 * answers 401 without one); {@link BENCH_METRICS_ENV} sets it.
 */
export const BENCH_METRICS_TOKEN = 'vr3-bench-metrics-token-0123456789';
/** Environment of a benched process: its `/metrics` token. */
export const BENCH_METRICS_ENV = Object.freeze({ VR3_METRICS_TOKEN: BENCH_METRICS_TOKEN });

/** Fetches and parses `${baseUrl}/metrics` (with {@link BENCH_METRICS_TOKEN}). */
export async function fetchMetrics(baseUrl: string): Promise<MetricSample[]> {
  const res = await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` } });
  if (res.status !== 200) throw new Error(`${baseUrl}/metrics: HTTP ${res.status}`);
  return parseMetrics(await res.text());
}

/**
 * Quantile `q` of a histogram from the difference of two scrapes (cumulative `_bucket{le}` counts),
 * linearly interpolated inside the bucket, in the histogram's unit. Null when nothing was observed.
 */
export function histogramQuantile(before: MetricSample[], after: MetricSample[], name: string, q: number): number | null {
  const buckets = after
    .filter((s) => s.name === `${name}_bucket`)
    .map((s) => {
      const prev = before.find((b) => b.name === s.name && b.labels.le === s.labels.le)?.value ?? 0;
      return { le: s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le), count: s.value - prev };
    })
    .sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)?.count ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return lower;
      const inBucket = b.count - below;
      return inBucket <= 0 ? b.le : lower + ((rank - below) / inBucket) * (b.le - lower);
    }
    lower = b.le;
    below = b.count;
  }
  return lower;
}

/** Two scrapes of one process: before and after a step. */
export interface ScrapePair {
  before: MetricSample[];
  after: MetricSample[];
}

const includes = (s: MetricSample, labels: Record<string, string>): boolean => Object.entries(labels).every(([k, v]) => s.labels[k] === v);
const seriesKey = (s: MetricSample): string => `${s.name}{${Object.entries(s.labels).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(',')}}`;

/**
 * Cumulative bucket counts (upper bound → count) of histogram `name` observed between the scrapes,
 * summed over every series whose labels include `labels` and over every scraped process (all
 * media-edges of a deployment).
 */
export function histogramDelta(pairs: ScrapePair[], name: string, labels: Record<string, string> = {}): Map<number, number> {
  const out = new Map<number, number>();
  for (const { before, after } of pairs) {
    const prev = new Map(before.filter((s) => s.name === `${name}_bucket`).map((s) => [seriesKey(s), s.value]));
    for (const s of after) {
      if (s.name !== `${name}_bucket` || !includes(s, labels)) continue;
      const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
      out.set(le, (out.get(le) ?? 0) + s.value - (prev.get(seriesKey(s)) ?? 0));
    }
  }
  return out;
}

/** Observations in {@link histogramDelta}'s buckets. */
export function bucketsCount(buckets: Map<number, number>): number {
  return buckets.get(Number.POSITIVE_INFINITY) ?? 0;
}

/**
 * Quantile `q` of cumulative buckets, linearly interpolated inside its bucket (as Prometheus's
 * `histogram_quantile`); the lower bound of the `+Inf` bucket when it falls there. Null when empty.
 */
export function bucketsQuantile(buckets: Map<number, number>, q: number): number | null {
  const sorted = [...buckets.entries()].sort(([a], [b]) => a - b);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const [le, count] of sorted) {
    if (count >= rank) {
      if (!Number.isFinite(le)) return lower;
      const inBucket = count - below;
      return inBucket <= 0 ? le : lower + ((rank - below) / inBucket) * (le - lower);
    }
    lower = le;
    below = count;
  }
  return lower;
}

/** Increase of counter (or `_count`) `name` between the scrapes, by the value of label `by`, over every process. */
export function counterDeltaBy(pairs: ScrapePair[], name: string, by: string, labels: Record<string, string> = {}): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { before, after } of pairs) {
    const prev = new Map(before.filter((s) => s.name === name).map((s) => [seriesKey(s), s.value]));
    for (const s of after) {
      if (s.name !== name || !includes(s, labels)) continue;
      const d = s.value - (prev.get(seriesKey(s)) ?? 0);
      if (d === 0) continue;
      const key = s.labels[by] ?? '';
      out[key] = (out[key] ?? 0) + d;
    }
  }
  return out;
}

/** The bucket `(lower, upper]` quantile `q` falls in (upper is +Infinity for the overflow bucket). Null when empty. */
export function bucketsRange(buckets: Map<number, number>, q: number): [number, number] | null {
  const sorted = [...buckets.entries()].sort(([a], [b]) => a - b);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total <= 0) return null;
  let lower = 0;
  for (const [le, count] of sorted) {
    if (count >= q * total) return [lower, le];
    lower = le;
  }
  return [lower, Number.POSITIVE_INFINITY];
}
