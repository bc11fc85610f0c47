import type { Percentiles } from './histogram.ts';
import type { BurstResult } from './run-burst.ts';

const ms = (v: number | null): string => (v === null ? '—' : `${v.toFixed(1)} ms`);
const pct = (p: Percentiles): string => `p50 ${ms(p.p50)}  p99 ${ms(p.p99)}  max ${ms(p.max)}`;
const counts = (c: Record<string, number>): string => Object.entries(c).map(([k, n]) => `${k}×${n}`).join(' ') || '—';

/** A human summary of one burst. */
export function formatBurstResult(r: BurstResult): string {
  const s = r.settings;
  const c = r.calls;
  const rate = s.ratePerSecond === null ? 'all at once' : `${s.ratePerSecond}/s`;
  const lines = [
    `${r.pass ? 'PASS' : 'FAIL'}  ${c.echoed}/${c.requested} calls admitted and echoed  (${c.requested} in ${(s.overMs / 1000).toFixed(2)} s, ${rate}; ${r.provider} ${r.format.encoding}/${r.format.sampleRate}; ${r.origins.join(', ')})`,
    `  calls       opened ${c.opened}, answered ${c.answered}, echoed ${c.echoed}, failed ${c.failed}`,
    `  failures    ${counts(c.failuresByCode)}`,
    `  connect     ${pct(r.connectMs)}`,
    `  handshake   open → first echo: ${pct(r.openToFirstEchoMs)}; p50 by quarter of the burst ${r.openToFirstEchoByQuarterMs.map((v) => (v === null ? '—' : v.toFixed(0))).join(' / ')} ms`,
    `  close codes ${counts(r.closeCodes)}${r.hangupsUnanswered > 0 ? `  (${r.hangupsUnanswered} hangups unanswered, terminated)` : ''}`,
    `  frames      sent ${r.frames.sent}, echoed with a readable marker ${r.frames.echoed}`,
    `  generator   cpu ${r.generator.cpuPercent}% of a core, event-loop delay p99 ${r.generator.eventLoopDelayP99Ms} ms, connect lag p99 ${ms(r.openLagMs.p99)}, opened over ${(r.openedOverMs / 1000).toFixed(2)} s${r.generator.saturated ? '  (SATURATED: the generator is the bottleneck)' : ''}`,
  ];
  return lines.join('\n');
}
