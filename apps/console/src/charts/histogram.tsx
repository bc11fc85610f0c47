import type { LatencyHistogram } from '../types.ts';
import { bucketLabel } from './scale.ts';
import { StackedBarChart } from './stacked-bar-chart.tsx';

const SERIES = [{ key: 'count', label: 'samples', className: 'chart-latency' }] as const;

/** A latency distribution: one bar per bucket (ms), with the sample count and p50 / p95 above it. */
export function Histogram({ histogram, title, testId }: { histogram: LatencyHistogram; title: string; testId: string }) {
  const ms = (value: number | null) => (value === null ? '—' : `${value} ms`);
  return (
    <div>
      <p class="chart-summary muted">
        {histogram.count} samples · p50 {ms(histogram.p50)} · p95 {ms(histogram.p95)}
      </p>
      <StackedBarChart
        rows={histogram.buckets.map((bucket) => ({ count: bucket.count }))}
        series={SERIES}
        labels={histogram.buckets.map((bucket) => bucketLabel(bucket.from_ms, bucket.to_ms))}
        title={title}
        testId={testId}
        width={360}
        height={180}
        legend={false}
      />
    </div>
  );
}
