/**
 * `npm run bench`: how far one media-edge core goes, against a bare `ws` echo server on the same
 * core, in one run. Prints progress, writes bench/results/bench-<date>.json and regenerates the
 * table of docs/benchmarks.md. See docs/benchmarks.md for the method.
 *
 * Options: --quick (short windows, coarse search) · --window MS · --settle MS · --max-calls N ·
 * --product-ramp PER_S · --baseline-ramp PER_S · --only product|baseline · --no-docs ·
 * --profile N (instead: profile the product holding N calls, see profile.ts) · --echo-rate 8000|16000 ·
 * --steps N,M,… (instead of the search: only these fixed steps on the selected servers, no result file) ·
 * --node-args '…' (extra node options for the product, e.g. --perf-basic-prof) ·
 * --scenario echo|bridge (bridge: the product bridging each call to a local Twilio-protocol echo bot,
 * against a bare `ws` proxy in front of the same bot; the bot runs on the load generator's core)
 *
 * --scenario burst: bursts of admissions for one customer, on the embedded and/or the distributed
 * product (see burst.ts): --mode embedded|distributed|both · --calls N · --over SECONDS ·
 * --call-seconds S · --baseline-rate PER_S · --baseline-calls N · --rates R,R,… · --edges N ·
 * --no-pin · --quick · --no-docs
 *
 * --scenario voice: the voice pipeline's added latency and CPU per live voice call, against the
 * echo agent (see voice.ts): --calls N · --window MS · --no-pin · --quick · --no-docs
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findCapacity, runLoad, startProviderApi, type LoadResult } from '@vr3/simulator';
import { runCodecMicro } from './lib/codec-micro.ts';
import { renderResult, writeDocsBlock } from './lib/docs.ts';
import { fetchMetrics, histogramQuantile, metricValue } from './lib/metrics.ts';
import { canPin, cpuPercent, pinSelf, sampleProc, spawnOnCore, stopProcess, waitForLine, type ProcSample } from './lib/processes.ts';
import { ROOT, startProduct, type BenchProduct } from './lib/product.ts';
import type { BenchResult, LatencyPair, ServerResult, StepRecord } from './lib/result.ts';
import { machineFacts } from './lib/machine.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    window: { type: 'string' },
    settle: { type: 'string' },
    'max-calls': { type: 'string' },
    'product-ramp': { type: 'string' },
    'baseline-ramp': { type: 'string' },
    only: { type: 'string' },
    profile: { type: 'string' },
    'no-docs': { type: 'boolean', default: false },
    'echo-rate': { type: 'string' },
    steps: { type: 'string' },
    'node-args': { type: 'string' },
    scenario: { type: 'string' },
    // --scenario burst
    mode: { type: 'string' },
    calls: { type: 'string' },
    over: { type: 'string' },
    'call-seconds': { type: 'string' },
    'baseline-rate': { type: 'string' },
    'baseline-calls': { type: 'string' },
    rates: { type: 'string' },
    edges: { type: 'string' },
    'no-pin': { type: 'boolean', default: false },
  },
});
if (args.scenario === 'burst') {
  const { runBurstScenario } = await import('./burst.ts');
  process.exit(await runBurstScenario(args));
}
if (args.scenario === 'voice') {
  const { runVoiceScenario } = await import('./voice.ts');
  process.exit(await runVoiceScenario(args));
}
if (args.scenario !== undefined && args.scenario !== 'echo' && args.scenario !== 'bridge') throw new Error('--scenario is echo, bridge, burst or voice');
const scenario: 'echo' | 'bridge' = args.scenario === 'bridge' ? 'bridge' : 'echo';
if (args.profile !== undefined) {
  const { profileProduct } = await import('./profile.ts');
  await profileProduct(Number(args.profile), Number(args.window ?? 10_000), Number(args['product-ramp'] ?? 10), args['echo-rate'] === '8000' ? 8000 : 16000, scenario);
  process.exit(0);
}
const quick = args.quick;
const num = (v: string | undefined, d: number): number => (v === undefined ? d : Number(v));
const settings = {
  windowMs: num(args.window, quick ? 2500 : 8000),
  settleMs: num(args.settle, quick ? 1000 : 2000),
  maxCalls: num(args['max-calls'], 4000),
  productRamp: num(args['product-ramp'], 25),
  baselineRamp: num(args['baseline-ramp'], 250),
  maxP99Ms: 20,
  echoRate: num(args['echo-rate'], 16000) === 8000 ? (8000 as const) : (16000 as const),
  scenario,
};
/** Budgets of the scenario (design §7): capacity ratio and added p99 at half capacity. */
const BUDGETS = scenario === 'bridge' ? { ratio: 0.8, addedP99Ms: 1, baselineName: 'bare ws proxy' } : { ratio: 0.8, addedP99Ms: 2, baselineName: 'bare ws' };
const SERVER_CORE = 0;
const LOAD_CORE = 1;
const log = (line: string): void => void process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const tmpDir = path.join(ROOT, 'bench/tmp');
mkdirSync(tmpDir, { recursive: true });

const loadStart = os.loadavg();
const pinned = canPin() && pinSelf(LOAD_CORE);
log(`load average ${loadStart.map((x) => x.toFixed(2)).join(' ')}; ${pinned ? `load generator pinned to core ${LOAD_CORE}, servers to core ${SERVER_CORE}` : 'not pinned (taskset or a second core missing)'}`);
if (loadStart[0]! > 0.5) log('WARNING: the machine is busy (1-min load average > 0.5): numbers will be noisy');

log('codec microbenchmark');
const codec = runCodecMicro(quick || args.steps ? 5000 : 20_000, quick || args.steps ? 5 : 9);
for (const [k, v] of Object.entries(codec)) log(`  ${k.padEnd(22)} ${(v / 1000).toFixed(2)} µs/frame`);

const api = await startProviderApi();
const children: ChildProcess[] = [];
let product: BenchProduct | null = null;
let baselinePid = 0;
let baselineUrl = '';
let botUrl = '';
const cleanup = async (): Promise<void> => {
  await Promise.allSettled([product?.stop(), ...children.map((c) => stopProcess(c, 5000))]);
  await api.close();
};
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

try {
  if (scenario === 'bridge') {
    // The bot answers both servers alike, from the load generator's core: each server's core does
    // only its own work.
    const bot = spawnOnCore(pinned ? LOAD_CORE : null, process.execPath, ['bench/echo-bot.mjs'], { ...process.env, PORT: '0' }, ROOT);
    children.push(bot);
    botUrl = `ws://127.0.0.1:${(await waitForLine(bot, /^listening (\d+)/, 10_000))[1]}/bot`;
    log(`echo bot (Twilio Media Streams protocol) on core ${pinned ? LOAD_CORE : '—'}`);
  }
  if (args.only !== 'baseline') {
    log(`starting the product (embedded, ${scenario === 'bridge' ? 'bridge engine → echo bot' : 'echo engine'})`);
    product = await startProduct({
      core: pinned ? SERVER_CORE : null,
      providerApiUrl: api.url,
      providerToken: api.token,
      logFile: path.join(tmpDir, 'product.log'),
      echoRate: settings.echoRate,
      ...(scenario === 'bridge' ? { engine: { type: 'bridge', url: botUrl, protocol: 'twilio' } } : {}),
      ...(args['node-args'] ? { nodeArgs: args['node-args'].split(' ') } : {}),
    });
  }
  if (args.only !== 'product') {
    const script = scenario === 'bridge' ? 'bench/ws-proxy-server.mjs' : 'bench/ws-echo-server.mjs';
    const child = spawnOnCore(pinned ? SERVER_CORE : null, process.execPath, [script], { ...process.env, PORT: '0', BOT_URL: botUrl }, ROOT);
    children.push(child);
    const m = await waitForLine(child, /^listening (\d+)/, 10_000);
    baselinePid = child.pid!;
    baselineUrl = `ws://127.0.0.1:${m[1]}/api/v1/agent-stream/baseline?provider=cloudonix&Domain=acme`;
  }

  const step = async (server: 'product' | 'baseline', calls: number, ramp: number, windowMs = settings.windowMs): Promise<StepRecord> => {
    const pid = server === 'product' ? product!.pid : baselinePid;
    if (server === 'product') await waitIdle(product!);
    else await sleep(500);
    const idle = sampleProc(pid);
    let a: ProcSample = idle;
    let b: ProcSample = idle;
    const load: LoadResult = await runLoad({
      url: server === 'product' ? product!.streamUrl : baselineUrl,
      calls,
      rampPerSecond: ramp,
      settleMs: settings.settleMs,
      windowMs,
      hangup: server === 'product' ? 'stop' : 'close',
      maxP99Ms: settings.maxP99Ms,
      handshakeTimeoutMs: 15_000,
      onWindow: (edge) => {
        if (edge === 'start') a = sampleProc(pid);
        else b = sampleProc(pid);
      },
    });
    const cpu = cpuPercent(a, b);
    const frames = load.window.echoed || 1;
    const record: StepRecord = {
      calls,
      pass: load.pass,
      verdict: load.verdict,
      p50Ms: load.window.latencyMs.p50,
      p99Ms: load.window.latencyMs.p99,
      lost: load.window.lost,
      failedCalls: load.calls.failed,
      serverCpuPercent: round(cpu, 1),
      serverRssBytes: b.rssBytes,
      serverIdleRssBytes: idle.rssBytes,
      cpuPercentPerCall: round(cpu / calls, 4),
      cpuUsPerFrame: round(((b.cpuSeconds - a.cpuSeconds) * 1e6) / frames, 2),
      rssKiBPerCall: round((b.rssBytes - idle.rssBytes) / 1024 / calls, 1),
      generatorCpuPercent: load.generator.cpuPercent,
      generatorSaturated: load.generator.saturated,
      load,
    };
    log(
      `  ${server} ${calls} calls: ${record.pass ? 'pass' : `FAIL (${record.verdict.join('; ')})`}; echo p50 ${record.p50Ms} p99 ${record.p99Ms} ms; ` +
        `server cpu ${record.serverCpuPercent}% rss +${record.rssKiBPerCall} KiB/call; generator cpu ${record.generatorCpuPercent}%${record.generatorSaturated ? ' SATURATED' : ''}`,
    );
    return record;
  };

  const search = async (server: 'product' | 'baseline', ramp: number, start: number): Promise<ServerResult> => {
    log(`capacity search: ${server}`);
    const r = await findCapacity((calls) => step(server, calls, ramp), {
      start,
      max: settings.maxCalls,
      resolution: quick ? 0.15 : 0.05,
      minGap: quick ? 20 : 10,
      maxSteps: quick ? 8 : 12,
    });
    const firstFailStep = r.steps.find((s) => s.calls === r.firstFail);
    const atCapacity = r.steps.find((s) => s.calls === r.capacity && s.pass) ?? null;
    log(`  ${server} capacity ${r.capacity}${r.firstFail === null ? '+' : ''}`);
    return { capacity: r.capacity, firstFail: r.firstFail, generatorBound: firstFailStep?.generatorSaturated ?? false, atCapacity, steps: r.steps };
  };

  if (args.steps !== undefined) {
    for (const calls of args.steps.split(',').map(Number)) {
      if (product) {
        const before = await fetchMetrics(product.baseUrl);
        const r = await step('product', calls, settings.productRamp);
        const after = await fetchMetrics(product.baseUrl);
        const mean = (op: string): string => {
          const d = (n: string): number => (metricValue(after, n, { op, outcome: 'ok' }) ?? 0) - (metricValue(before, n, { op, outcome: 'ok' }) ?? 0);
          const count = d('vr3_media_edge_bus_request_seconds_count');
          return count > 0 ? ((d('vr3_media_edge_bus_request_seconds_sum') / count) * 1000).toFixed(1) : '—';
        };
        const hs = (q: number): string => ((histogramQuantile(before, after, 'vr3_media_edge_handshake_seconds', q) ?? Number.NaN) * 1000).toFixed(1);
        log(`    product ${calls}: ${r.cpuUsPerFrame} µs server CPU per echoed frame; handshake p50 ${hs(0.5)} p99 ${hs(0.99)} ms; bus mean admit ${mean('admit')} start ${mean('start')} ms`);
      }
      if (baselineUrl) {
        const r = await step('baseline', calls, settings.baselineRamp);
        log(`    baseline ${calls}: ${r.cpuUsPerFrame} µs server CPU per echoed frame`);
      }
    }
  }

  full: {
  if (args.steps !== undefined) break full;
  // Handshake at light load.
  let handshake: BenchResult['handshake'] = null;
  const hsCalls = quick ? 20 : 40;
  const hsRamp = 5;
  const hsWarmup = quick ? 10 : 20;
  if (product || baselineUrl) {
    // The product's first calls after boot also pay for JIT and lazy initialisation: a warm-up
    // step first (its own handshake figures are kept as the cold-start figure).
    let coldP50Ms: number | null = null;
    if (product) {
      log(`handshake warm-up: ${hsWarmup} calls at ${hsRamp}/s`);
      const w0 = await fetchMetrics(product.baseUrl);
      await step('product', hsWarmup, hsRamp, 1000);
      const w1 = await fetchMetrics(product.baseUrl);
      const v = histogramQuantile(w0, w1, 'vr3_media_edge_handshake_seconds', 0.5);
      coldP50Ms = v === null ? null : round(v * 1000, 1);
    }
    log(`handshake: ${hsCalls} calls at ${hsRamp}/s`);
    const before = product ? await fetchMetrics(product.baseUrl) : [];
    const p = product ? await step('product', hsCalls, hsRamp, 1000) : null;
    const after = product ? await fetchMetrics(product.baseUrl) : [];
    const bl = baselineUrl ? await step('baseline', hsCalls, hsRamp, 1000) : null;
    const q = (h: LoadResult | undefined): LatencyPair | null => (h ? { p50: h.handshake.openToFirstEchoMs.p50, p99: h.handshake.openToFirstEchoMs.p99 } : null);
    const serverQ = (x: number): number | null => {
      const v = product ? histogramQuantile(before, after, 'vr3_media_edge_handshake_seconds', x) : null;
      return v === null ? null : round(v * 1000, 1);
    };
    handshake = { calls: hsCalls, rampPerSecond: hsRamp, warmupCalls: product ? hsWarmup : 0, coldServerP50Ms: coldP50Ms, product: q(p?.load), baseline: q(bl?.load), serverP50Ms: serverQ(0.5), serverP99Ms: serverQ(0.99) };
    log(`  product open → first echo p50 ${handshake.product?.p50} p99 ${handshake.product?.p99} ms; server histogram p50 ≈ ${handshake.serverP50Ms} p99 ≈ ${handshake.serverP99Ms} ms`);
  }

  const baseline = baselineUrl ? await search('baseline', settings.baselineRamp, quick ? 100 : 200) : null;
  const prod = product ? await search('product', settings.productRamp, quick ? 50 : 100) : null;

  let halfCapacity: BenchResult['halfCapacity'] = null;
  if (prod && prod.capacity >= 2) {
    const half = Math.floor(prod.capacity / 2);
    log(`half capacity: ${half} calls on both`);
    const p = await step('product', half, settings.productRamp);
    const bl = baselineUrl ? await step('baseline', half, settings.baselineRamp) : null;
    halfCapacity = {
      calls: half,
      product: { p50: p.p50Ms, p99: p.p99Ms },
      baseline: bl ? { p50: bl.p50Ms, p99: bl.p99Ms } : null,
      addedP99Ms: bl && p.p99Ms !== null && bl.p99Ms !== null ? round(p.p99Ms - bl.p99Ms, 2) : null,
    };
  }

  // Calls per core from the servers' own CPU at one common load where both pass (the bridge
  // scenario's budget): in that scenario the bot shares the load generator's core, so the capacity
  // search can stop at the load core's limit before either server is busy.
  let cpuComparison: BenchResult['cpuComparison'] = null;
  if (scenario === 'bridge' && prod && baseline && Math.min(prod.capacity, baseline.capacity) >= 2) {
    const calls = Math.min(prod.capacity, baseline.capacity);
    log(`calls per core: ${calls} calls on both, twice, from server CPU`);
    const steps = { product: [] as StepRecord[], baseline: [] as StepRecord[] };
    for (let i = 0; i < 2; i++) {
      steps.product.push(await step('product', calls, settings.productRamp));
      steps.baseline.push(await step('baseline', calls, settings.baselineRamp));
    }
    const perCore = (list: StepRecord[]): number | null => {
      const ok = list.filter((r) => r.pass && r.serverCpuPercent > 0);
      return ok.length === 0 ? null : round(ok.reduce((sum, r) => sum + (r.calls * 100) / r.serverCpuPercent, 0) / ok.length, 0);
    };
    const productPerCore = perCore(steps.product);
    const baselinePerCore = perCore(steps.baseline);
    cpuComparison = {
      calls,
      productCpuPercent: steps.product.map((r) => r.serverCpuPercent),
      baselineCpuPercent: steps.baseline.map((r) => r.serverCpuPercent),
      productCallsPerCore: productPerCore,
      baselineCallsPerCore: baselinePerCore,
      ratio: productPerCore !== null && baselinePerCore !== null ? round(productPerCore / baselinePerCore, 3) : null,
    };
    log(`  calls per core: product ${productPerCore ?? '—'}, baseline ${baselinePerCore ?? '—'} → ${cpuComparison.ratio ?? '—'}`);
  }

  const ratio = baseline && prod && baseline.capacity > 0 ? round(prod.capacity / baseline.capacity, 3) : null;
  const rssPerCall = prod?.atCapacity?.rssKiBPerCall ?? null;
  const budgets: BenchResult['budgets'] = [
    scenario === 'bridge'
      ? {
          name: `bridge calls per core vs ${BUDGETS.baselineName} (server CPU at ${cpuComparison?.calls ?? '—'} calls, both passing)`,
          target: `≥ ${BUDGETS.ratio * 100} %`,
          measured:
            cpuComparison?.ratio == null
              ? '—'
              : `${(cpuComparison.ratio * 100).toFixed(0)} % (${cpuComparison.productCallsPerCore} / ${cpuComparison.baselineCallsPerCore} calls per core); concurrent-call capacity ${prod!.capacity} / ${baseline!.capacity}, bounded by the shared load core`,
          met: cpuComparison?.ratio == null ? null : cpuComparison.ratio >= BUDGETS.ratio,
        }
      : {
          name: `${scenario} calls per core vs ${BUDGETS.baselineName}`,
          target: `≥ ${BUDGETS.ratio * 100} %`,
          measured: ratio === null ? '—' : `${(ratio * 100).toFixed(0)} % (${prod!.capacity} / ${baseline!.capacity}${baseline!.generatorBound ? ', baseline load-generator bound' : ''})`,
          met: ratio === null ? null : ratio >= BUDGETS.ratio,
        },
    {
      name: 'added latency per frame, p99 at half capacity',
      target: `≤ ${BUDGETS.addedP99Ms} ms`,
      measured: halfCapacity?.addedP99Ms === null || halfCapacity === null ? '—' : `${halfCapacity.addedP99Ms} ms (${halfCapacity.product?.p99} − ${halfCapacity.baseline?.p99} ms)`,
      met: halfCapacity?.addedP99Ms === null || halfCapacity === null ? null : halfCapacity.addedP99Ms <= BUDGETS.addedP99Ms,
    },
    {
      name: 'handshake p50 (embedded), open → running',
      target: '≤ 25 ms',
      measured: handshake?.serverP50Ms == null ? '—' : `${handshake.serverP50Ms} ms server-side; ${handshake.product?.p50} ms open → first echo`,
      met: handshake?.serverP50Ms == null ? null : handshake.serverP50Ms <= 25,
    },
    { name: 'memory per active call', target: '≤ 150 KB', measured: rssPerCall === null ? '—' : `${rssPerCall} KiB RSS at ${prod!.capacity} calls`, met: rssPerCall === null ? null : rssPerCall * 1.024 <= 150 },
  ];

  const date = new Date().toISOString();
  const result: BenchResult = {
    schema: 1,
    date,
    quick,
    commit: gitCommit(),
    machine: machineFacts(loadStart),
    settings: { pinned, serverCore: pinned ? SERVER_CORE : null, loadCore: pinned ? LOAD_CORE : null, ...settings },
    codec,
    handshake,
    baseline,
    product: prod,
    ratio,
    halfCapacity,
    cpuComparison,
    budgets,
  };
  const file = path.join('bench/results', `bench-${date.replace(/[:.]/g, '-')}${scenario === 'bridge' ? '-bridge' : ''}${quick ? '-quick' : ''}.json`);
  writeFileSync(path.join(ROOT, file), `${JSON.stringify(result, null, 2)}\n`);
  log(`result: ${file}`);
  const body = renderResult(result, file);
  if (!args['no-docs'] && args.only === undefined) {
    writeDocsBlock(path.join(ROOT, 'docs/benchmarks.md'), scenario === 'bridge' ? 'bridge' : String(settings.echoRate), body);
    log('docs/benchmarks.md updated');
  }
  process.stdout.write(`\n${body}\n`);
  }
} finally {
  await cleanup();
}

async function waitIdle(p: BenchProduct): Promise<void> {
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    const active = metricValue(await fetchMetrics(p.baseUrl), 'vr3_media_edge_active_calls');
    if (active === 0) return;
    await sleep(200);
  }
  log('  warning: the product still holds calls after 30 s');
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function round(v: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}
