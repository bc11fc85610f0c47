import { useEffect, useState } from 'preact/hooks';
import type { ApiClient, OverviewStats } from '../api.ts';
import { Histogram } from '../charts/histogram.tsx';
import { HorizontalBarChart } from '../charts/horizontal-bar-chart.tsx';
import { Meter } from '../charts/meter.tsx';
import { StackedBarChart } from '../charts/stacked-bar-chart.tsx';
import '../charts/charts.css';
import { ErrorMessage } from '../error-message.tsx';

/** The ranges the page offers, by label. */
const RANGES = [
  { label: '24 h', hours: 24 },
  { label: '7 d', hours: 24 * 7 },
  { label: '30 d', hours: 24 * 30 },
] as const;

const CALL_SERIES = [
  { key: 'inbound', label: 'Inbound', className: 'chart-inbound' },
  { key: 'outbound', label: 'Outbound', className: 'chart-outbound' },
] as const;

/** An hour bucket's label: its local time, with the day when the range spans several. */
function hourLabel(iso: string, days: boolean): string {
  const d = new Date(iso);
  return days ? d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit' }) : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** `#/overview`: the organization's calls, failures, minutes and latencies over the last day, week or month, as charts. */
export function OverviewPage({ api }: { api: ApiClient }) {
  const [hours, setHours] = useState<number>(RANGES[0].hours);
  const [stats, setStats] = useState<OverviewStats | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let current = true;
    const to = new Date();
    const from = new Date(to.getTime() - hours * 3_600_000);
    setError(null);
    api.overviewStats(from.toISOString(), to.toISOString()).then(
      (s) => current && setStats(s),
      (err: unknown) => current && setError(err),
    );
    return () => {
      current = false;
    };
  }, [api, hours]);

  const failed = stats ? stats.calls_per_hour.reduce((sum, h) => sum + h.failed, 0) : 0;
  const total = stats ? stats.calls_per_hour.reduce((sum, h) => sum + h.inbound + h.outbound, 0) : 0;
  return (
    <section>
      <div class="page-header">
        <h1>Overview</h1>
        <div class="range-picker" role="group" aria-label="Range">
          {RANGES.map((range) => (
            <button key={range.label} type="button" aria-pressed={hours === range.hours} onClick={() => setHours(range.hours)}>
              {range.label}
            </button>
          ))}
        </div>
      </div>
      <ErrorMessage error={error} />
      {stats === null ? (
        error ? null : <p class="muted">Loading…</p>
      ) : (
        <>
          <div class="panel">
            <h2>Calls per hour</h2>
            <p class="chart-summary muted">
              {total} calls, {failed} failed
            </p>
            <StackedBarChart
              rows={stats.calls_per_hour}
              series={CALL_SERIES}
              labels={stats.calls_per_hour.map((h) => hourLabel(h.hour, hours > 24))}
              tooltips={stats.calls_per_hour.map((h) => `${hourLabel(h.hour, true)}: ${h.inbound} inbound, ${h.outbound} outbound, ${h.failed} failed`)}
              title="Calls per hour, inbound and outbound"
              testId="chart-calls-per-hour"
            />
          </div>
          <div class="overview-grid">
            <div class="panel">
              <h2>Minutes this month</h2>
              <Meter used={stats.call_seconds.used_this_month} limit={stats.call_seconds.monthly_quota} testId="chart-minutes" />
            </div>
            <div class="panel">
              <h2>Failure reasons</h2>
              <HorizontalBarChart
                items={stats.end_reasons.map((r) => ({ label: r.end_reason, value: r.count }))}
                title="Failed calls by end reason"
                testId="chart-failure-reasons"
                empty="No failed calls in this range."
              />
            </div>
            <div class="panel">
              <h2>Handshake (admission to start)</h2>
              <Histogram histogram={stats.handshake_ms} title="Handshake time distribution, ms" testId="chart-handshake" />
            </div>
            <div class="panel">
              <h2>Turn latency (end of speech to first audio)</h2>
              <Histogram histogram={stats.turn_latency_ms} title="Turn latency distribution, ms" testId="chart-turn-latency" />
            </div>
          </div>
        </>
      )}
    </section>
  );
}
