/** Renders a burst-scenario result into its generated block of docs/benchmarks.md. */
import type { BurstBenchResult, BurstModeResult, BurstStep, Quantiles } from './burst-result.ts';
import type { BurstMode } from './burst-subject.ts';

const f = (v: number | null | undefined): string => (v === null || v === undefined || Number.isNaN(v) ? '—' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const rate = (r: number | null | undefined): string => (r === null || r === undefined ? '—' : `${Number.isInteger(r) ? r : r.toFixed(1)}/s`);
const pair = (q: Quantiles | undefined): string => (q ? `${f(q.p50)} / ${f(q.p99)}` : '—');
/** A server histogram quantile as the bucket it falls in. */
const bucket = (b: [number, number | null] | null | undefined): string => (b === null || b === undefined ? '—' : b[1] === null ? `> ${f(b[0])}` : `${f(b[0])}–${f(b[1])}`);
const serverPair = (q: Quantiles | undefined): string => (q ? `${bucket(q.p50Bucket)} / ${bucket(q.p99Bucket)}` : '—');
const codes = (c: Record<string, number> | undefined): string => (c && Object.keys(c).length > 0 ? Object.entries(c).map(([k, n]) => `${k} × ${n}`).join(', ') : 'none');

/** The generated Markdown for one burst result. */
export function renderBurstResult(r: BurstBenchResult, resultFile: string): string {
  const m = r.machine;
  const s = r.settings;
  const targetRate = s.calls / s.overSeconds;
  const busy = m.busyAtStart ? ' — **the machine was busy at start: numbers are noisy**' : '';
  const flags = ['--scenario burst', s.modes.length === 1 ? `--mode ${s.modes[0]}` : '', r.quick ? '--quick' : ''].filter((x) => x !== '').join(' ');
  const modes: Array<[BurstMode, BurstModeResult | undefined]> = s.modes.map((mode) => [mode, r.modes[mode]]);
  const lines: string[] = [];
  lines.push(`Measured **${r.date.slice(0, 10)}** (${r.date}) by \`npm run bench -- ${flags}\` at commit \`${r.commit}\`${r.uncommittedChanges ? ' **with uncommitted changes to the product** (apps/, packages/, prisma/)' : ''}, result file \`${resultFile}\`.`);
  lines.push('');
  lines.push(
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memGiB} GiB, Node ${m.node}, ${m.os}; load average at start ${m.loadAvgStart.map((x) => x.toFixed(2)).join(' / ')}, at end ${m.loadAvgEnd.map((x) => x.toFixed(2)).join(' / ')}${busy}. ` +
      `${s.pinned ? `Every server process on core ${s.serverCore}, the load generator on core ${s.loadCore}` : 'Not pinned'}. ` +
      `One customer, ${s.calls} calls per burst, ${s.callSeconds} s each (${s.provider} ${s.format}, echo agent at ${s.echoRate} Hz); baseline ${s.baselineCalls} calls at ${rate(s.baselineRate)}; warm-up ${s.warmupCalls} calls first.`,
  );
  lines.push('');
  const header = modes.map(([mode, mr]) => (mode === 'embedded' ? 'embedded' : `distributed${mr?.topology ? ` (${mr.topology.replace(/^distributed product: /, '')})` : ''}`));
  lines.push(`| | ${header.join(' | ')} |`);
  lines.push(`|---|${modes.map(() => '---').join('|')}|`);
  const row = (name: string, cell: (mr: BurstModeResult) => string): void => {
    lines.push(`| ${name} | ${modes.map(([, mr]) => (mr === undefined ? '—' : mr.error !== undefined && cell(mr) === '—' ? `error: ${mr.error.slice(0, 80)}` : cell(mr))).join(' | ')} |`);
  };
  const t = (mr: BurstModeResult): BurstStep | null => mr.target;
  row(`**target: ${s.calls} calls in ${s.overSeconds} s (${rate(targetRate)}) all admitted and echoed, handshake p99 < ${s.maxHandshakeP99Ms / 1000} s**`, (mr) =>
    mr.targetCheck === null ? '—' : mr.targetCheck.pass ? '**PASS**' : `**FAIL** (${mr.targetCheck.reasons.join('; ')})`,
  );
  row(`admitted and echoed at ${rate(targetRate)}`, (mr) => (t(mr) ? `${t(mr)!.echoed} / ${t(mr)!.calls}` : '—'));
  row(`failures by close code at ${rate(targetRate)}`, (mr) => (t(mr) ? codes(t(mr)!.failuresByCode) : '—'));
  row(`handshake, socket open → run running (server histogram bucket), p50 / p99 ms: baseline ${rate(s.baselineRate)} → ${rate(targetRate)}`, (mr) =>
    mr.baseline && t(mr) ? `${serverPair(mr.baseline.server.handshakeMs)} → **${serverPair(t(mr)!.server.handshakeMs)}**` : '—',
  );
  row(`handshake, socket open → first echoed audio (client), p50 / p99 ms: baseline → ${rate(targetRate)}`, (mr) =>
    mr.baseline && t(mr) ? `${pair(mr.baseline.client.openToFirstEchoMs)} → ${pair(t(mr)!.client.openToFirstEchoMs)}` : '—',
  );
  row(`connect, TCP + WebSocket upgrade (client), p50 / p99 ms: baseline → ${rate(targetRate)}`, (mr) =>
    mr.baseline && t(mr) ? `${pair(mr.baseline.client.connectMs)} → ${pair(t(mr)!.client.connectMs)}` : '—',
  );
  row(`admission, the edge's \`admit\` bus request (server histogram bucket), p50 / p99 ms: baseline → ${rate(targetRate)}`, (mr) =>
    mr.baseline && t(mr) ? `${serverPair(mr.baseline.server.admitMs)} → **${serverPair(t(mr)!.server.admitMs)}**` : '—',
  );
  row(`admission outcomes at ${rate(targetRate)}`, (mr) => (t(mr) ? codes(t(mr)!.server.admitOutcomes) : '—'));
  row(`streams the edge refused before admission, and admissions refused, at ${rate(targetRate)}`, (mr) =>
    t(mr) ? `${codes(t(mr)!.server.streamsRefused)}; ${codes(t(mr)!.server.admissionsRefused)}` : '—',
  );
  row(`**highest zero-failure burst rate** (${s.calls} calls)`, (mr) => {
    const sr = mr.search;
    if (sr.steps.length === 0) return '—';
    const high = sr.highestZeroFailureRate === null ? `none (down to ${rate(sr.lowestRateTried)})` : `**${rate(sr.highestZeroFailureRate)}**`;
    return `${high}${sr.firstFailingRate === null ? ' (search limit)' : `; ${rate(sr.firstFailingRate)} failed`}`;
  });
  row(`server CPU during the ${rate(targetRate)} burst (% of a core, all server processes)`, (mr) => (t(mr) ? f(t(mr)!.serverCpuPercent) : '—'));
  row('start-up (s)', (mr) => (mr.startupMs > 0 ? (mr.startupMs / 1000).toFixed(1) : '—'));
  lines.push('');
  lines.push('Steps (rate → admitted and echoed / calls, failures by close code, handshake p99 as the server histogram bucket and client open → first echo, admission p99 bucket):');
  lines.push('');
  for (const [mode, mr] of modes) {
    if (!mr) continue;
    const all = [mr.baseline, ...mr.search.steps].filter((x): x is BurstStep => x !== null);
    const step = (st: BurstStep): string =>
      `${rate(st.ratePerSecond)}${st.kind === 'baseline' ? ' (baseline)' : ''} ${st.pass ? '✓' : '✗'} ${st.echoed}/${st.calls}${st.failed > 0 ? ` [${codes(st.failuresByCode)}]` : ''}, ` +
      `hs p99 ${bucket(st.server.handshakeMs.p99Bucket)} ms (client ${f(st.client.openToFirstEchoMs.p99)} ms), admit p99 ${bucket(st.server.admitMs.p99Bucket)} ms${st.generatorSaturated ? ', generator saturated' : ''}`;
    lines.push(`- ${mode}: ${all.map(step).join(' · ')}${mr.error ? ` · error: ${mr.error}` : ''}`);
  }
  return lines.join('\n');
}
