/**
 * `npm run bench -- --scenario burst`: bursts of admissions for one customer. N calls opened evenly
 * over R seconds, each streaming to the echo agent for --call-seconds; every call must be admitted
 * and echoed. On each deployment (--mode embedded|distributed|both): a warm-up, the baseline (the
 * same kind of burst at a gentle rate), the target (N in R s), then a search for the highest
 * zero-failure rate by doubling (or halving) the target rate. Prints each step as it goes, writes
 * bench/results/bench-<date>-burst.json and regenerates the burst block of docs/benchmarks.md.
 * See docs/benchmarks.md, "The burst scenario", for the method.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBurst, type BurstCallRecord, type BurstResult } from '@vr3/simulator';
import { renderBurstResult } from './lib/burst-docs.ts';
import type { BurstBenchResult, BurstModeResult, BurstStep, Quantiles } from './lib/burst-result.ts';
import { activeCalls, liveRuns, startSubject, type BurstMode, type BurstSubject } from './lib/burst-subject.ts';
import { writeDocsBlock } from './lib/docs.ts';
import { bucketsCount, bucketsQuantile, bucketsRange, counterDeltaBy, fetchMetrics, histogramDelta, type ScrapePair } from './lib/metrics.ts';
import { canPin, descendantPids, pinSelf, treeCpuSeconds } from './lib/processes.ts';
import { startProviderApiProcess } from './lib/provider-api-process.ts';
import { ROOT } from './lib/product.ts';
import { machineFacts } from './lib/machine.ts';

/** Command-line values the scenario reads (strings as parsed by run.ts). */
export interface BurstArgs {
  quick: boolean;
  mode?: string | undefined;
  calls?: string | undefined;
  over?: string | undefined;
  'call-seconds'?: string | undefined;
  'baseline-rate'?: string | undefined;
  'baseline-calls'?: string | undefined;
  rates?: string | undefined;
  edges?: string | undefined;
  'no-pin'?: boolean | undefined;
  'no-docs'?: boolean | undefined;
}

const SERVER_CORE = 0;
const LOAD_CORE = 1;
/** Warm-up bursts run at this rate with calls this long: JIT and lazy initialisation, not measured. */
const WARMUP = { rate: 10, callMs: 2000 } as const;
/** Longest wait for a deployment to finish the previous step's calls and admissions. */
const SETTLE_MAX_MS = 60_000;
/**
 * After a failing step, longest wait for the runs its edges gave up on to end (the reaper ends a
 * run left `initialized` after the handshake deadline + the `RunStart` wait + a margin, ~30 s).
 */
const DRAIN_MAX_MS = 45_000;
const log = (line: string): void => void process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs the scenario; resolves with the exit code. */
export async function runBurstScenario(args: BurstArgs): Promise<number> {
  const quick = args.quick;
  const num = (v: string | undefined, d: number, name: string): number => {
    if (v === undefined) return d;
    const n = Number(v);
    if (!(n > 0) || !Number.isFinite(n)) throw new Error(`--${name} must be a positive number`);
    return n;
  };
  const modeArg = args.mode ?? 'both';
  if (!['embedded', 'distributed', 'both'].includes(modeArg)) throw new Error('--mode is embedded, distributed or both');
  const settings: BurstBenchResult['settings'] = {
    modes: modeArg === 'both' ? ['embedded', 'distributed'] : [modeArg as BurstMode],
    calls: Math.round(num(args.calls, quick ? 100 : 400, 'calls')),
    overSeconds: num(args.over, quick ? 0.5 : 2, 'over'),
    callSeconds: num(args['call-seconds'], quick ? 3 : 10, 'call-seconds'),
    baselineRate: num(args['baseline-rate'], 20, 'baseline-rate'),
    baselineCalls: Math.round(num(args['baseline-calls'], quick ? 20 : 200, 'baseline-calls')),
    warmupCalls: quick ? 10 : 20,
    maxHandshakeP99Ms: 1000,
    rates: args.rates === undefined ? null : args.rates.split(',').map((r) => num(r, 0, 'rates')).sort((a, b) => a - b),
    minRate: quick ? 50 : 25,
    maxRate: quick ? 400 : 1600,
    edges: Math.round(num(args.edges, 2, 'edges')),
    pinned: false,
    serverCore: null,
    loadCore: null,
    provider: 'cloudonix',
    format: 'mulaw/8000',
    echoRate: 8000,
  };
  const targetRate = settings.calls / settings.overSeconds;
  const loadStart = os.loadavg();
  settings.pinned = !args['no-pin'] && canPin() && pinSelf(LOAD_CORE);
  if (settings.pinned) {
    settings.serverCore = SERVER_CORE;
    settings.loadCore = LOAD_CORE;
  }
  log(
    `burst scenario: ${settings.calls} calls in ${settings.overSeconds} s (${fmtRate(targetRate)}), ${settings.callSeconds} s each; baseline ${settings.baselineCalls} calls at ${fmtRate(settings.baselineRate)}; ` +
      `modes ${settings.modes.join(', ')}; ${settings.pinned ? `servers on core ${SERVER_CORE}, load generator on core ${LOAD_CORE}` : 'not pinned'}`,
  );
  log(`load average ${loadStart.map((x) => x.toFixed(2)).join(' ')}${loadStart[0]! > 0.5 ? ' — WARNING: the machine is busy: numbers will be noisy' : ''}`);

  const tmpDir = path.join(ROOT, 'bench/tmp');
  mkdirSync(tmpDir, { recursive: true });
  // The provider stand-in runs in its own process (on the load generator's core when pinned).
  const api = await startProviderApiProcess(settings.loadCore);
  let subject: BurstSubject | null = null;
  const onSignal = (): void => void (subject?.stop() ?? Promise.resolve()).finally(() => api.close()).finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const records: Record<string, BurstCallRecord[]> = {};
  const modes: BurstBenchResult['modes'] = {};
  try {
    for (const mode of settings.modes) {
      const result: BurstModeResult = { mode, topology: '', startupMs: 0, warmup: null, baseline: null, target: null, targetCheck: null, search: { steps: [], highestZeroFailureRate: null, firstFailingRate: null, lowestRateTried: null } };
      modes[mode] = result;
      try {
        log(`starting the ${mode} product`);
        subject = await startSubject(mode, { providerApiUrl: api.url, providerToken: api.token, serverCore: settings.serverCore, edges: settings.edges, logDir: tmpDir });
        result.topology = subject.topology;
        result.startupMs = subject.startupMs;
        log(`  ${subject.topology}: ready in ${(subject.startupMs / 1000).toFixed(1)} s`);
        const s = subject;
        let previousFailed = false;
        const run = async (kind: BurstStep['kind'], calls: number, rate: number, callMs: number): Promise<BurstStep> => {
          const { step, calls: perCall } = await burstStep(s, kind, calls, rate, callMs, previousFailed, api.pid);
          previousFailed = !step.pass;
          records[`${mode} ${kind} ${calls}@${rate}`] = perCall;
          log(`  ${mode} ${describe(step)}`);
          return step;
        };

        log(`  warm-up: ${settings.warmupCalls} calls at ${fmtRate(WARMUP.rate)}`);
        result.warmup = await run('warm-up', settings.warmupCalls, WARMUP.rate, WARMUP.callMs);
        const callMs = settings.callSeconds * 1000;
        result.baseline = await run('baseline', settings.baselineCalls, settings.baselineRate, callMs);
        result.target = await run('target', settings.calls, targetRate, callMs);
        result.targetCheck = checkTarget(result.target, settings.maxHandshakeP99Ms);
        log(`  ${mode} TARGET ${settings.calls} calls in ${settings.overSeconds} s: ${result.targetCheck.pass ? 'PASS' : `FAIL (${result.targetCheck.reasons.join('; ')})`}`);
        logSideBySide(mode, result.baseline, result.target);

        result.search = await search(result.target, targetRate, settings, (rate) => run('search', settings.calls, rate, callMs));
        const sr = result.search;
        log(
          `  ${mode} highest zero-failure rate (${settings.calls} calls): ${sr.highestZeroFailureRate === null ? `none down to ${fmtRate(sr.lowestRateTried ?? 0)}` : fmtRate(sr.highestZeroFailureRate)}` +
            `${sr.firstFailingRate === null ? ' (no failing step up to the search limit)' : `; ${fmtRate(sr.firstFailingRate)} failed`}`,
        );
      } catch (err) {
        result.error = err instanceof Error ? err.message : String(err);
        log(`  ${mode}: ERROR ${result.error}`);
      } finally {
        const stopping = subject;
        subject = null;
        if (stopping) {
          log(`  stopping the ${mode} product`);
          await stopping.stop();
        }
      }
    }
  } finally {
    await api.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const date = new Date().toISOString();
  const stamp = date.replace(/[:.]/g, '-');
  const callsFile = path.join('bench/tmp', `burst-calls-${stamp}.json`);
  writeFileSync(path.join(ROOT, callsFile), `${JSON.stringify(records)}\n`);
  const result: BurstBenchResult = {
    schema: 1,
    scenario: 'burst',
    date,
    quick,
    commit: gitCommit(),
    uncommittedChanges: productChanged(),
    machine: machineFacts(loadStart),
    settings,
    modes,
    callsFile,
  };
  const file = path.join('bench/results', `bench-${stamp}-burst${quick ? '-quick' : ''}.json`);
  writeFileSync(path.join(ROOT, file), `${JSON.stringify(result, null, 2)}\n`);
  log(`result: ${file} (per-call records: ${callsFile})`);
  const body = renderBurstResult(result, file);
  if (!args['no-docs']) {
    writeDocsBlock(path.join(ROOT, 'docs/benchmarks.md'), 'burst', body);
    log('docs/benchmarks.md updated');
  }
  process.stdout.write(`\n${body}\n`);
  return Object.values(modes).some((m) => m.error !== undefined) ? 1 : 0;
}

/** One burst on `s`, with the edges' metrics and the servers' CPU around it; `drain` after a failing step. The stand-in (`standInPid`) is not a server. */
async function burstStep(s: BurstSubject, kind: BurstStep['kind'], calls: number, rate: number, callMs: number, drain: boolean, standInPid: number): Promise<{ step: BurstStep; calls: BurstCallRecord[] }> {
  const settled = await settle(s, drain);
  const before = await Promise.all(s.edgeUrls.map((u) => fetchMetrics(u)));
  const serverPids = (): number[] => descendantPids().filter((pid) => pid !== standInPid);
  const cpu0 = treeCpuSeconds(serverPids());
  const t0 = performance.now();
  let lastProgress = 0;
  const r: BurstResult = await runBurst({
    urls: s.streamUrls,
    calls,
    overMs: (calls / rate) * 1000,
    callMs,
    onProgress: (line) => {
      if (performance.now() - lastProgress < 3000) return;
      lastProgress = performance.now();
      log(`    ${line}`);
    },
  });
  const cpu1 = treeCpuSeconds(serverPids());
  const wallS = (performance.now() - t0) / 1000;
  const after = await Promise.all(s.edgeUrls.map((u) => fetchMetrics(u)));
  const pairs: ScrapePair[] = before.map((b, i) => ({ before: b, after: after[i]! }));
  const hist = (name: string, labels: Record<string, string> = {}): Quantiles => {
    const b = histogramDelta(pairs, name, labels);
    const q = (x: number): number | null => {
      const v = bucketsQuantile(b, x);
      return v === null ? null : round(v * 1000, 1);
    };
    const range = (x: number): [number, number | null] | null => {
      const r = bucketsRange(b, x);
      return r === null ? null : [round(r[0] * 1000, 1), Number.isFinite(r[1]) ? round(r[1] * 1000, 1) : null];
    };
    return { p50: q(0.5), p99: q(0.99), count: bucketsCount(b), p50Bucket: range(0.5), p99Bucket: range(0.99) };
  };
  const client = (p: BurstResult['connectMs']): Quantiles => ({ p50: p.p50, p99: p.p99, max: p.max, count: p.count });
  const step: BurstStep = {
    kind,
    calls,
    ratePerSecond: round(rate, 2),
    overMs: r.settings.overMs,
    callMs,
    pass: r.pass,
    answered: r.calls.answered,
    echoed: r.calls.echoed,
    failed: r.calls.failed,
    failuresByCode: r.calls.failuresByCode,
    failures: r.calls.failures,
    client: {
      connectMs: client(r.connectMs),
      openToFirstEchoMs: client(r.openToFirstEchoMs),
      byQuarterP50Ms: r.openToFirstEchoByQuarterMs,
      openLagP99Ms: r.openLagMs.p99,
      openedOverMs: r.openedOverMs,
    },
    server: {
      handshakeMs: hist('vr3_media_edge_handshake_seconds'),
      admitMs: hist('vr3_media_edge_bus_request_seconds', { op: 'admit' }),
      admitOutcomes: counterDeltaBy(pairs, 'vr3_media_edge_bus_request_seconds_count', 'outcome', { op: 'admit' }),
      startMs: hist('vr3_media_edge_bus_request_seconds', { op: 'start' }),
      closeCodes: counterDeltaBy(pairs, 'vr3_media_edge_close_codes_total', 'code'),
      streamsRefused: counterDeltaBy(pairs, 'vr3_media_edge_streams_refused_total', 'code'),
      admissionsRefused: counterDeltaBy(pairs, 'vr3_media_edge_admissions_refused_total', 'code'),
    },
    serverCpuPercent: round(((cpu1 - cpu0) / wallS) * 100, 1),
    generatorCpuPercent: r.generator.cpuPercent,
    generatorEventLoopDelayP99Ms: r.generator.eventLoopDelayP99Ms,
    generatorSaturated: r.generator.saturated,
    durationMs: r.durationMs,
    settleWaitMs: settled.waitedMs,
    liveRunsBefore: settled.liveRuns,
  };
  return { step, calls: r.records };
}

/**
 * Waits until the edges hold no call and the control-plane has stopped minting runs (the owner's
 * live-run count is the same twice, a second apart): admissions the edges gave up on are still
 * answered, and the next step must not queue behind them. With `drain` (after a failing step),
 * waits for the live-run count to reach 0: runs minted after their edge gave up stay live until
 * the reaper ends them, and the next step should not share the database with that clean-up.
 */
async function settle(s: BurstSubject, drain: boolean): Promise<{ waitedMs: number; liveRuns: number }> {
  const t0 = performance.now();
  const maxMs = drain ? DRAIN_MAX_MS : SETTLE_MAX_MS;
  let previous = -1;
  for (;;) {
    const [active, live] = await Promise.all([activeCalls(s), liveRuns(s)]);
    if (active === 0 && (live === 0 || (!drain && live === previous))) return { waitedMs: Math.round(performance.now() - t0), liveRuns: live };
    if (performance.now() - t0 > maxMs) {
      log(`    warning: still ${active} calls on the edges and ${live} live runs after ${maxMs / 1000} s; going on`);
      return { waitedMs: Math.round(performance.now() - t0), liveRuns: live };
    }
    previous = active === 0 ? live : -1;
    await sleep(1000);
  }
}

/**
 * The highest zero-failure rate for N calls on the ladder target × 2^k: when the target step
 * passed, double the rate until a step fails (up to `maxRate`); when it failed, start again from
 * the ladder's lowest rate (≥ `minRate`) and double up to the target until a step fails. Either way
 * steps run in ascending order and the search ends at the first failure, so no step but the first
 * one after the target runs in the wake of a failure (and that one waits for the drain). With
 * --rates, those rates in ascending order until the first failure.
 */
async function search(
  target: BurstStep,
  targetRate: number,
  settings: BurstBenchResult['settings'],
  run: (rate: number) => Promise<BurstStep>,
): Promise<BurstModeResult['search']> {
  const steps: BurstStep[] = [target];
  const at = async (rate: number): Promise<BurstStep> => (Math.abs(rate - targetRate) < 1e-9 ? target : (steps[steps.push(await run(rate)) - 1]!));
  if (settings.rates !== null) {
    for (const rate of settings.rates) if (!(await at(rate)).pass) break;
  } else if (target.pass) {
    for (let rate = targetRate * 2; rate <= settings.maxRate + 1e-9; rate *= 2) if (!(await at(rate)).pass) break;
  } else {
    let lowest = targetRate;
    while (lowest / 2 >= settings.minRate - 1e-9) lowest /= 2;
    for (let rate = lowest; rate < targetRate - 1e-9; rate *= 2) if (!(await at(rate)).pass) break;
  }
  const passing = steps.filter((s) => s.pass).map((s) => s.ratePerSecond);
  const highest = passing.length === 0 ? null : Math.max(...passing);
  const failingAbove = steps.filter((s) => !s.pass && (highest === null || s.ratePerSecond > highest)).map((s) => s.ratePerSecond);
  return {
    steps: [...steps].sort((a, b) => a.ratePerSecond - b.ratePerSecond),
    highestZeroFailureRate: highest,
    firstFailingRate: failingAbove.length === 0 ? null : Math.min(...failingAbove),
    lowestRateTried: Math.min(...steps.map((s) => s.ratePerSecond)),
  };
}

/**
 * The target: every call admitted and echoed, and the server's handshake p99 (open → running)
 * under the limit — exact when the limit is a bucket edge of the histogram (1 s is): the p99 is
 * under it when its bucket ends at or below it.
 */
function checkTarget(step: BurstStep, maxP99Ms: number): { pass: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (!step.pass) reasons.push(`${step.failed} of ${step.calls} calls failed (${codes(step.failuresByCode)})`);
  const b = step.server.handshakeMs.p99Bucket;
  if (b === null || b === undefined) reasons.push('no handshake observed');
  else if (b[1] === null || b[1] > maxP99Ms) reasons.push(`handshake p99 in ${bucket(b)} ms, over ${maxP99Ms} ms`);
  return { pass: reasons.length === 0, reasons };
}

/** Client quantiles as measured; server ones as the histogram bucket they fall in. */
export const serverPair = (x: Quantiles, sep = '/'): string => `${bucket(x.p50Bucket)}${sep}${bucket(x.p99Bucket)}`;
const bucket = (b: [number, number | null] | null | undefined): string => (b === null || b === undefined ? '—' : b[1] === null ? `>${fmt(b[0])}` : `${fmt(b[0])}–${fmt(b[1])}`);

function describe(s: BurstStep): string {
  const q = (x: Quantiles): string => `${fmt(x.p50)}/${fmt(x.p99)}`;
  return (
    `${s.kind} ${s.calls} calls at ${fmtRate(s.ratePerSecond)}: ${s.pass ? 'ok' : 'FAIL'} ${s.echoed}/${s.calls} admitted & echoed` +
    `${s.failed > 0 ? `, failures ${codes(s.failuresByCode)}` : ''}; connect p50/p99 ${q(s.client.connectMs)} ms; handshake p50/p99 server ${serverPair(s.server.handshakeMs)} ms, client open→echo ${q(s.client.openToFirstEchoMs)} ms; ` +
    `admit p50/p99 ${serverPair(s.server.admitMs)} ms (${codes(s.server.admitOutcomes)}); server cpu ${s.serverCpuPercent}%, generator ${s.generatorCpuPercent}%${s.generatorSaturated ? ' SATURATED' : ''}` +
    `${Object.keys(s.server.streamsRefused).length > 0 ? `; edge refused before admission ${codes(s.server.streamsRefused)}` : ''}` +
    `${Object.keys(s.server.admissionsRefused).length > 0 ? `; admissions refused ${codes(s.server.admissionsRefused)}` : ''}` +
    `${s.settleWaitMs > 2000 ? `; waited ${(s.settleWaitMs / 1000).toFixed(0)} s for the previous step (${s.liveRunsBefore} runs still live)` : ''}`
  );
}

function logSideBySide(mode: string, base: BurstStep, target: BurstStep): void {
  const client = (x: Quantiles): string => `${fmt(x.p50)} / ${fmt(x.p99)}`;
  const row = (name: string, a: string, b: string): string => `    ${name.padEnd(40)} ${a.padStart(22)}   ${b.padStart(22)}`;
  log(`  ${mode}: p50 / p99 ms${' '.repeat(22)}baseline ${fmtRate(base.ratePerSecond).padStart(8)}     target ${fmtRate(target.ratePerSecond).padStart(8)}`);
  log(row('handshake open → running (server bucket)', serverPair(base.server.handshakeMs, ' / '), serverPair(target.server.handshakeMs, ' / ')));
  log(row('connect, TCP + upgrade (client)', client(base.client.connectMs), client(target.client.connectMs)));
  log(row('open → first echo (client)', client(base.client.openToFirstEchoMs), client(target.client.openToFirstEchoMs)));
  log(row('admission, edge admit (server bucket)', serverPair(base.server.admitMs, ' / '), serverPair(target.server.admitMs, ' / ')));
}

export const fmtRate = (r: number): string => `${Number.isInteger(r) ? r : r.toFixed(1)}/s`;
const fmt = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const codes = (c: Record<string, number>): string => Object.entries(c).map(([k, n]) => `${k}×${n}`).join(' ') || '—';

export function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

/** True when the product's code (apps/, packages/, prisma/) differs from the commit: the run measured uncommitted code. */
export function productChanged(): boolean | null {
  try {
    execFileSync('git', ['diff', '--quiet', 'HEAD', '--', 'apps', 'packages', 'prisma'], { cwd: ROOT, stdio: 'ignore' });
    return false;
  } catch (err) {
    return (err as { status?: number }).status === 1 ? true : null;
  }
}

function round(v: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}
