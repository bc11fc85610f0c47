/** The JSON a benchmark run writes to bench/results/. */
import type { LoadResult } from '@vr3/simulator';
import type { CodecCosts } from './codec-micro.ts';

/** One load step on one server, reduced to what the report needs (plus the full load result). */
export interface StepRecord {
  calls: number;
  pass: boolean;
  verdict: string[];
  p50Ms: number | null;
  p99Ms: number | null;
  lost: number;
  failedCalls: number;
  serverCpuPercent: number;
  serverRssBytes: number;
  serverIdleRssBytes: number;
  cpuPercentPerCall: number;
  cpuUsPerFrame: number;
  rssKiBPerCall: number;
  generatorCpuPercent: number;
  generatorSaturated: boolean;
  load: LoadResult;
}

/** One server's capacity search. */
export interface ServerResult {
  capacity: number;
  firstFail: number | null;
  /** The load generator was saturated on the first failing step: the capacity is a lower bound. */
  generatorBound: boolean;
  atCapacity: StepRecord | null;
  steps: StepRecord[];
}

export interface LatencyPair {
  p50: number | null;
  p99: number | null;
}

export interface BenchResult {
  schema: 1;
  date: string;
  quick: boolean;
  commit: string;
  machine: {
    cpuModel: string;
    cores: number;
    memGiB: number;
    node: string;
    os: string;
    loadAvgStart: number[];
    loadAvgEnd: number[];
    /** 1-minute load average above 0.5 at start: someone else was using the machine. */
    busyAtStart: boolean;
  };
  settings: {
    pinned: boolean;
    serverCore: number | null;
    loadCore: number | null;
    windowMs: number;
    settleMs: number;
    productRamp: number;
    baselineRamp: number;
    maxP99Ms: number;
    echoRate: number;
    maxCalls: number;
    /** `echo` (the echo engine vs a bare ws echo server) or `bridge` (the bridge engine vs a bare ws proxy, both to the same echo bot). Absent in older results: echo. */
    scenario?: 'echo' | 'bridge';
  };
  codec: CodecCosts;
  /** `warmupCalls` calls at the same rate went first; `coldServerP50Ms` is their server-side p50. */
  handshake: { calls: number; rampPerSecond: number; warmupCalls?: number; coldServerP50Ms?: number | null; product: LatencyPair | null; baseline: LatencyPair | null; serverP50Ms: number | null; serverP99Ms: number | null } | null;
  baseline: ServerResult | null;
  product: ServerResult | null;
  ratio: number | null;
  halfCapacity: { calls: number; product: LatencyPair | null; baseline: LatencyPair | null; addedP99Ms: number | null } | null;
  /**
   * Bridge scenario: both servers at one common load (twice each); calls per core = calls / server
   * CPU fraction, averaged over the passing steps. Absent in older results.
   */
  cpuComparison?: {
    calls: number;
    productCpuPercent: number[];
    baselineCpuPercent: number[];
    productCallsPerCore: number | null;
    baselineCallsPerCore: number | null;
    ratio: number | null;
  } | null;
  budgets: Array<{ name: string; target: string; measured: string; met: boolean | null }>;
}
