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

/** Fetches and parses `${baseUrl}/metrics`. */
export async function fetchMetrics(baseUrl: string): Promise<MetricSample[]> {
  const res = await fetch(`${baseUrl}/metrics`);
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
