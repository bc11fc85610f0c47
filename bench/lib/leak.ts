/**
 * Leak check: many short calls in sequence against the embedded product, then the product's own
 * numbers (`/metrics`: resident memory, V8 heap, active handles and resources, active calls)
 * compared with a baseline taken after a warm-up. Runs are checked to be finalized.
 */
import { runCall, startProviderApi, tone } from '@vr3/simulator';
import { fetchMetrics, metricValue, type MetricSample } from './metrics.ts';
import { startProduct } from './product.ts';

/** Options of {@link runLeakCheck}. */
export interface LeakCheckOptions {
  calls: number;
  /** Calls in flight at once. */
  concurrency: number;
  /** Audio per call, ms. */
  callMs: number;
  warmup: number;
  logFile: string;
  /** Progress lines. */
  onProgress?: (line: string) => void;
}

/** The product's process numbers at one point. */
export interface ProcessSnapshot {
  rssBytes: number;
  heapUsedBytes: number;
  handles: number;
  resources: number;
  resourcesByType: Record<string, number>;
  activeCalls: number;
}

export interface LeakCheckResult {
  calls: number;
  failedCalls: number;
  /** Calls that closed normally but got no audio back (the handshake outlasted the call). */
  silentCalls: number;
  closeCodes: Record<string, number>;
  baseline: ProcessSnapshot;
  half: ProcessSnapshot;
  after: ProcessSnapshot;
  /** Runs still `initialized`/`running` after the last call closed. */
  unfinishedRuns: number;
  durationMs: number;
}

function snapshot(m: MetricSample[]): ProcessSnapshot {
  const byType: Record<string, number> = {};
  for (const s of m) if (s.name === 'nodejs_active_resources' && s.labels.type) byType[s.labels.type] = s.value;
  return {
    rssBytes: metricValue(m, 'process_resident_memory_bytes') ?? Number.NaN,
    heapUsedBytes: metricValue(m, 'nodejs_heap_size_used_bytes') ?? Number.NaN,
    handles: metricValue(m, 'nodejs_active_handles_total') ?? Number.NaN,
    resources: metricValue(m, 'nodejs_active_resources_total') ?? Number.NaN,
    resourcesByType: byType,
    activeCalls: metricValue(m, 'vr3_media_edge_active_calls') ?? Number.NaN,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runLeakCheck(o: LeakCheckOptions): Promise<LeakCheckResult> {
  const progress = o.onProgress ?? (() => undefined);
  const api = await startProviderApi({ maxRecords: 1000 });
  const product = await startProduct({ core: null, providerApiUrl: api.url, providerToken: api.token, logFile: o.logFile, logLevel: 'info', inspect: true });
  try {
    const audio = tone(440, o.callMs, 8000);
    const closeCodes: Record<string, number> = {};
    let failed = 0;
    let silent = 0;
    const settle = async (): Promise<ProcessSnapshot> => {
      const deadline = performance.now() + 30_000;
      let snap = snapshot(await fetchMetrics(product.baseUrl));
      while (snap.activeCalls !== 0 && performance.now() < deadline) {
        await sleep(200);
        snap = snapshot(await fetchMetrics(product.baseUrl));
      }
      await sleep(2000); // let closed sockets and finished timers go
      await product.collectGarbage(); // compare live memory, not garbage not yet collected
      await sleep(200);
      return snapshot(await fetchMetrics(product.baseUrl));
    };
    const batch = async (count: number, record: boolean): Promise<void> => {
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < count) {
          next++;
          try {
            const r = await runCall({ url: product.streamUrl, provider: 'cloudonix', audio, tailMs: 0, closeTimeoutMs: 3000 });
            if (record) {
              const code = String(r.close?.code ?? 'none');
              closeCodes[code] = (closeCodes[code] ?? 0) + 1;
              if (r.close?.code !== 1000) failed++;
              else if (r.framesReceived === 0) silent++;
            }
          } catch {
            if (record) failed++;
          }
        }
      };
      await Promise.all(Array.from({ length: o.concurrency }, worker));
    };

    const t0 = performance.now();
    progress(`warm-up: ${o.warmup} calls`);
    await batch(o.warmup, false);
    const baseline = await settle();
    progress(`baseline: rss ${mib(baseline.rssBytes)} MiB, heap ${mib(baseline.heapUsedBytes)} MiB, handles ${baseline.handles}, resources ${baseline.resources}`);
    const first = Math.floor(o.calls / 2);
    progress(`${o.calls} calls, ${o.concurrency} at a time`);
    await batch(first, true);
    const half = await settle();
    progress(`after ${first}: rss ${mib(half.rssBytes)} MiB, heap ${mib(half.heapUsedBytes)} MiB, handles ${half.handles}`);
    await batch(o.calls - first, true);
    const after = await settle();
    const runs = (await (
      await fetch(`${product.baseUrl}/api/v1/runs?state=running&limit=100`, { headers: { authorization: `Bearer ${product.apiKey}` } })
    ).json()) as { data: unknown[] };
    const initialized = (await (
      await fetch(`${product.baseUrl}/api/v1/runs?state=initialized&limit=100`, { headers: { authorization: `Bearer ${product.apiKey}` } })
    ).json()) as { data: unknown[] };
    return {
      calls: o.calls,
      failedCalls: failed,
      silentCalls: silent,
      closeCodes,
      baseline,
      half,
      after,
      unfinishedRuns: runs.data.length + initialized.data.length,
      durationMs: Math.round(performance.now() - t0),
    };
  } finally {
    await product.stop();
    await api.close();
  }
}

/** MiB with one decimal. */
export const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

/** A human table of a result. */
export function formatLeakResult(r: LeakCheckResult): string {
  const row = (name: string, f: (s: ProcessSnapshot) => string): string => `  ${name.padEnd(22)} ${f(r.baseline).padStart(10)} ${f(r.half).padStart(10)} ${f(r.after).padStart(10)}`;
  const types = [...new Set([...Object.keys(r.baseline.resourcesByType), ...Object.keys(r.after.resourcesByType)])].sort();
  return [
    `leak check: ${r.calls} calls (${r.failedCalls} failed, ${r.silentCalls} without audio back; close codes ${Object.entries(r.closeCodes).map(([c, n]) => `${c}×${n}`).join(' ')}) in ${(r.durationMs / 1000).toFixed(0)} s`,
    `  ${''.padEnd(22)} ${'baseline'.padStart(10)} ${'half-way'.padStart(10)} ${'end'.padStart(10)}`,
    row('RSS MiB', (s) => mib(s.rssBytes)),
    row('V8 heap used MiB', (s) => mib(s.heapUsedBytes)),
    row('active handles', (s) => String(s.handles)),
    row('active resources', (s) => String(s.resources)),
    ...types.map((t) => row(`  ${t}`, (s) => String(s.resourcesByType[t] ?? 0))),
    row('active calls', (s) => String(s.activeCalls)),
    `  RSS growth ${mib(r.after.rssBytes - r.baseline.rssBytes)} MiB (${((r.after.rssBytes - r.baseline.rssBytes) / r.calls).toFixed(0)} B/call; second half ${mib(r.after.rssBytes - r.half.rssBytes)} MiB); heap growth ${mib(r.after.heapUsedBytes - r.baseline.heapUsedBytes)} MiB; unfinished runs ${r.unfinishedRuns}`,
  ].join('\n');
}
