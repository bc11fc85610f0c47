/** The JSON the burst scenario writes to bench/results/. */
import type { BurstMode } from './burst-subject.ts';
import type { BenchResult } from './result.ts';

/** p50 / p99 (and max, when known) in ms; null when nothing was observed. */
export interface Quantiles {
  p50: number | null;
  p99: number | null;
  max?: number | null;
  count: number;
  /**
   * Server histograms: the bucket `[lower, upper]` (ms, upper null for +Inf) each quantile falls
   * in; `p50`/`p99` are interpolated inside it, which is only as good as the bucket is narrow.
   */
  p50Bucket?: [number, number | null] | null;
  p99Bucket?: [number, number | null] | null;
}

/** One burst on one deployment. */
export interface BurstStep {
  kind: 'warm-up' | 'baseline' | 'target' | 'search';
  calls: number;
  ratePerSecond: number;
  overMs: number;
  callMs: number;
  /** Every call admitted and echoed. */
  pass: boolean;
  /** Calls that got audio back (handshake completed). */
  answered: number;
  /** Calls that got their own audio back (admitted and echoed). */
  echoed: number;
  failed: number;
  /** Failed calls by close code (`1011`, `1013`, …) or by failure when no close code applies. */
  failuresByCode: Record<string, number>;
  failures: Record<string, number>;
  client: {
    /** Connect start → WebSocket open. */
    connectMs: Quantiles;
    /** WebSocket open → first echoed audio. */
    openToFirstEchoMs: Quantiles;
    /** p50 of open → first echo per quarter of the burst, in opening order. */
    byQuarterP50Ms: Array<number | null>;
    /** How late connects started against the schedule (p99), ms. */
    openLagP99Ms: number | null;
    /** First connect → last connect, ms. */
    openedOverMs: number;
  };
  /** From the media-edges' /metrics (summed over edges), between a scrape before and one after. */
  server: {
    /** `vr3_media_edge_handshake_seconds`: socket open → run running. */
    handshakeMs: Quantiles;
    /** `vr3_media_edge_bus_request_seconds{op="admit"}`, every outcome. */
    admitMs: Quantiles;
    /** Admission requests by outcome (`ok`, `bus_timeout`, …). */
    admitOutcomes: Record<string, number>;
    /** `vr3_media_edge_bus_request_seconds{op="start"}` (`RunStart`, with the provider validation). */
    startMs: Quantiles;
    /** Stream closes by code, as the edges counted them. */
    closeCodes: Record<string, number>;
    /** Streams the edges refused before admission, and admissions the control-plane refused, by code (when the edge exports them). */
    streamsRefused: Record<string, number>;
    admissionsRefused: Record<string, number>;
  };
  /** CPU of every server process over the step, % of one core. */
  serverCpuPercent: number;
  generatorCpuPercent: number;
  generatorEventLoopDelayP99Ms: number;
  /** CPU over 85 %, event-loop delay p99 or connect lag p99 over 20 ms: the generator, not only the product, was short of CPU. */
  generatorSaturated: boolean;
  durationMs: number;
  /** Before the step: time waited for the previous one's calls and admissions to finish, and runs still live then. */
  settleWaitMs: number;
  liveRunsBefore: number;
}

/** One deployment's results. */
export interface BurstModeResult {
  mode: BurstMode;
  topology: string;
  startupMs: number;
  warmup: BurstStep | null;
  baseline: BurstStep | null;
  target: BurstStep | null;
  /** The target: every call admitted and echoed and server handshake p99 under the limit. */
  targetCheck: { pass: boolean; reasons: string[] } | null;
  search: { steps: BurstStep[]; highestZeroFailureRate: number | null; firstFailingRate: number | null; lowestRateTried: number | null };
  /** Set when the deployment could not be started or a step threw. */
  error?: string;
}

export interface BurstBenchResult {
  schema: 1;
  scenario: 'burst';
  date: string;
  quick: boolean;
  commit: string;
  /** The product's code (apps/, packages/, prisma/) differed from `commit`; null when unknown (no git). */
  uncommittedChanges: boolean | null;
  machine: BenchResult['machine'];
  settings: {
    modes: BurstMode[];
    calls: number;
    overSeconds: number;
    callSeconds: number;
    baselineRate: number;
    baselineCalls: number;
    warmupCalls: number;
    maxHandshakeP99Ms: number;
    rates: number[] | null;
    minRate: number;
    maxRate: number;
    edges: number;
    pinned: boolean;
    serverCore: number | null;
    loadCore: number | null;
    provider: string;
    format: string;
    echoRate: number;
  };
  modes: Partial<Record<BurstMode, BurstModeResult>>;
  /** Where the per-call records went (not committed: bench/tmp). */
  callsFile: string;
}
