import type { Percentiles } from './histogram.ts';
import type { LoadResult } from './run-load.ts';

const ms = (v: number | null): string => (v === null ? '—' : `${v.toFixed(2)} ms`);
const pct = (p: Percentiles): string => `p50 ${ms(p.p50)}  p99 ${ms(p.p99)}  max ${ms(p.max)}`;

/** A human summary of one load run. */
export function formatLoadResult(r: LoadResult): string {
  const w = r.window;
  const lines = [
    `${r.pass ? 'PASS' : 'FAIL'}  ${r.calls.established}/${r.calls.requested} calls  ${r.provider} ${r.format.encoding}/${r.format.sampleRate}  ${r.origin}`,
    `  calls       established ${r.calls.established}, failed ${r.calls.failed}${formatCounts(r.calls.failures)}`,
    `  connect     ${pct(r.handshake.connectMs)}`,
    `  handshake   open → first echo: ${pct(r.handshake.openToFirstEchoMs)}`,
    `  window      ${(w.durationMs / 1000).toFixed(1)} s: sent ${w.sent}, echoed ${w.echoed}, lost ${w.lost}, duplicates ${w.duplicates}, reordered ${w.reordered}, unreadable ${w.undecodable}, invalid ${w.invalid}`,
    `  echo        p50 ${ms(w.latencyMs.p50)}  p90 ${ms(w.latencyMs.p90)}  p99 ${ms(w.latencyMs.p99)}  p99.9 ${ms(w.latencyMs.p999)}  max ${ms(w.latencyMs.max)}`,
    `  close codes ${Object.entries(r.closeCodes).map(([c, n]) => `${c}×${n}`).join(' ') || '—'}`,
    `  generator   cpu ${r.generator.cpuPercent}% of a core, event-loop delay p99 ${r.generator.eventLoopDelayP99Ms} ms, send lag p99 ${ms(r.generator.sendLagMs.p99)}${r.generator.saturated ? '  (SATURATED: the generator is the bottleneck)' : ''}`,
  ];
  if (!r.pass) lines.push(`  verdict     ${r.verdict.join('; ')}`);
  return lines.join('\n');
}

function formatCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? '' : ` (${entries.map(([k, n]) => `${k}: ${n}`).join(', ')})`;
}
