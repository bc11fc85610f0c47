/**
 * A burst of admissions: N simulated provider calls opened evenly over R seconds (as a load
 * balancer or a campaign dialer sends them), round-robin over one or more Agent Stream URLs. Each
 * call sends its provider handshake and streams marked 20 ms frames in real time from socket open
 * for `callMs`, then hangs up. A call succeeds when audio comes back (the handshake: socket open →
 * first media frame from the agent side) and at least one echoed frame carries a readable sequence
 * marker (it is an echo of this call's audio); otherwise it fails with a {@link BurstFailure} and,
 * when the agent side closed it, that close code.
 *
 * Every socket has deadlines: connect (TCP + upgrade), first echo from open, close after hanging
 * up; each ends in `terminate()`. The run as a whole has a deadline too, so it always returns.
 * One drift-free 1 ms clock opens calls on schedule and sends frames from a 20-slot timer wheel.
 */
import { scratchBytes } from './load-call.ts';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { FRAME_MS, frameBytes, type WireFormat } from '../audio/wire-format.ts';
import { SimulatorError, SimulatorErrorCode } from '../errors.ts';
import { newServerFrame } from '../peers/peer.ts';
import { getPeerFactory } from '../peers/registry.ts';
import { openSocket } from '../socket.ts';
import { BurstCall, BurstFailure, type BurstShared } from './burst-call.ts';
import { markedFrames } from './frame-bank.ts';
import { Histogram, type Percentiles } from './histogram.ts';
import { TickClock } from './tick-clock.ts';
import { TimerWheel } from './timer-wheel.ts';

/** Options of {@link runBurst}. */
export interface BurstOptions {
  /** Agent Stream URLs, query strings included; call i goes to `urls[i % urls.length]`. */
  urls: readonly string[];
  /** Provider to play. Default cloudonix. */
  provider?: string;
  /** Wire format; default the provider's. */
  format?: WireFormat;
  /** Account id on the `start` frame (Cloudonix domain). Default the peer's. */
  account?: string;
  /** Calls in the burst. */
  calls: number;
  /** The calls are opened evenly over this long: call i at `i × overMs / calls` ms. 0: all at once. */
  overMs: number;
  /** How long each call streams from socket open, ms (a call without audio back by then streams on until its echo deadline). Default 10 000. */
  callMs?: number;
  /** TCP connect + upgrade deadline, ms. Default 10 000. */
  connectTimeoutMs?: number;
  /** First-echo deadline from socket open, ms. Default 15 000. */
  echoTimeoutMs?: number;
  /** Wait for the agent side to close after hanging up, ms; then the socket is terminated. Default 3000. */
  closeTimeoutMs?: number;
  /** `stop`: the provider's stop frame (default). `close`: close the socket. */
  hangup?: 'stop' | 'close';
  /** Progress lines (about one a second). */
  onProgress?: (line: string) => void;
}

/** Defaults of {@link BurstOptions}. */
export const BURST_DEFAULTS = {
  provider: 'cloudonix',
  callMs: 10_000,
  connectTimeoutMs: 10_000,
  echoTimeoutMs: 15_000,
  closeTimeoutMs: 3000,
  hangup: 'stop',
} as const;

/** What became of one call of a burst (times in ms; null when it did not happen). */
export interface BurstCallRecord {
  index: number;
  /** Index of the URL it went to. */
  target: number;
  /** Due time of the connect, after the burst began. */
  scheduledMs: number;
  /** Actual start of the connect, after the burst began. */
  startedMs: number | null;
  /** Connect start → WebSocket open. */
  connectMs: number | null;
  /** WebSocket open → first media frame from the agent side. */
  openToFirstEchoMs: number | null;
  sentFrames: number;
  /** Echoed frames whose sequence marker read back. */
  echoedFrames: number;
  /** Close code the socket ended with (1006: terminated), null when it never opened. */
  closeCode: number | null;
  failure: BurstFailure | null;
  /** The close code or HTTP status that goes with the failure. */
  failureCode: number | null;
}

/** The outcome of one burst (JSON-ready). */
export interface BurstResult {
  provider: string;
  /** Scheme, host and port of each URL: the path and query carry the agent UUID. */
  origins: string[];
  format: WireFormat;
  settings: { calls: number; overMs: number; ratePerSecond: number | null; callMs: number; connectTimeoutMs: number; echoTimeoutMs: number; closeTimeoutMs: number; hangup: string };
  calls: {
    requested: number;
    /** The socket opened. */
    opened: number;
    /** Audio came back (the handshake completed). */
    answered: number;
    /** An echoed frame of the call's own audio came back: admitted and echoed. */
    echoed: number;
    failed: number;
    failures: Partial<Record<BurstFailure, number>>;
    /**
     * Failed calls by how they ended: the agent side's close code (`1011`, `1013`, `4400` …),
     * `http_<status>` for a refused upgrade, or the failure code when no close code applies
     * (`connect_failed`, `connect_timeout`, `echo_timeout`, `no_marked_echo`).
     */
    failuresByCode: Record<string, number>;
  };
  /** Connect start → open. */
  connectMs: Percentiles;
  /** Open → first echoed audio, over the calls that got audio back. */
  openToFirstEchoMs: Percentiles;
  /** p50 of open → first echo in each quarter of the calls, in opening order (queueing shows as a rising curve). */
  openToFirstEchoByQuarterMs: Array<number | null>;
  /** How late connects started against their schedule: the generator's own lag. */
  openLagMs: Percentiles;
  /** First connect start → last connect start. */
  openedOverMs: number;
  /** Close codes of every socket that opened. */
  closeCodes: Record<string, number>;
  /** Calls whose hangup the agent side did not answer with a close in time (terminated). */
  hangupsUnanswered: number;
  frames: { sent: number; echoed: number };
  durationMs: number;
  generator: { cpuPercent: number; eventLoopDelayP99Ms: number; saturated: boolean };
  /** Every call admitted and echoed. */
  pass: boolean;
  verdict: string[];
  records: BurstCallRecord[];
}

const TICK_MS = 1;
const SLOTS = FRAME_MS / TICK_MS;
/** Deadlines and hangups are checked this often, ms. */
const HOUSEKEEPING_MS = 10;
/** A call with audio back but no marked echo yet waits this long past its length for one. */
const MARK_GRACE_MS = 1000;
/** After its close deadline, a terminated socket's close event is awaited this long. */
const TERMINATE_GRACE_MS = 1000;

/** Runs one burst. Rejects only for invalid options. */
export async function runBurst(options: BurstOptions): Promise<BurstResult> {
  const o = {
    provider: options.provider ?? BURST_DEFAULTS.provider,
    callMs: options.callMs ?? BURST_DEFAULTS.callMs,
    connectTimeoutMs: options.connectTimeoutMs ?? BURST_DEFAULTS.connectTimeoutMs,
    echoTimeoutMs: options.echoTimeoutMs ?? BURST_DEFAULTS.echoTimeoutMs,
    closeTimeoutMs: options.closeTimeoutMs ?? BURST_DEFAULTS.closeTimeoutMs,
    hangup: options.hangup ?? BURST_DEFAULTS.hangup,
  };
  const { urls, calls: n, overMs } = options;
  if (urls.length === 0) throw new SimulatorError(SimulatorErrorCode.InvalidOption, 'urls must not be empty');
  if (!Number.isInteger(n) || n < 1) throw new SimulatorError(SimulatorErrorCode.InvalidOption, 'calls must be a positive integer');
  if (!(overMs >= 0) || !Number.isFinite(overMs)) throw new SimulatorError(SimulatorErrorCode.InvalidOption, 'overMs must be a non-negative number');
  for (const [name, v] of [['callMs', o.callMs], ['connectTimeoutMs', o.connectTimeoutMs], ['echoTimeoutMs', o.echoTimeoutMs], ['closeTimeoutMs', o.closeTimeoutMs]] as const) {
    if (!(v > 0)) throw new SimulatorError(SimulatorErrorCode.InvalidOption, `${name} must be positive`);
  }
  const factory = getPeerFactory(options.provider ?? BURST_DEFAULTS.provider);
  const format = options.format ?? factory.defaultFormat;
  const progress = options.onProgress ?? (() => undefined);

  const calls: BurstCall[] = [];
  const live = new Set<BurstCall>();
  let settled = 0;
  let hangupsUnanswered = 0;
  let finished = false;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const settle = (): void => {
    if (++settled === n) resolveDone();
  };
  const shared: BurstShared = {
    frames: markedFrames(format),
    scratch: new Uint8Array(scratchBytes(frameBytes(format))),
    frameBytes: frameBytes(format),
    frame: newServerFrame(),
    onClosed(call) {
      live.delete(call);
      settle();
    },
  };
  for (let i = 0; i < n; i++) {
    const peer = factory.create({ format, ...(options.account === undefined ? {} : { info: { accountId: options.account } }) });
    calls.push(new BurstCall(i, i % urls.length, (i * overMs) / n, peer, shared));
  }

  const clock = new TickClock(TICK_MS);
  const wheel = new TimerWheel<BurstCall>(clock, SLOTS);
  const connect = (call: BurstCall, now: number): void => {
    call.phase = 'connecting';
    call.connectAt = now;
    let refusedStatus: number | null = null;
    openSocket(urls[call.target]!, { timeoutMs: o.connectTimeoutMs, zeroMask: true, onRefused: (status) => (refusedStatus = status) }).then(
      (ws) => {
        if (finished) {
          ws.terminate();
          return;
        }
        const at = performance.now();
        call.attach(ws, at);
        live.add(call);
        wheel.add(call, at);
      },
      () => {
        call.phase = 'closed';
        if (refusedStatus !== null) call.fail(BurstFailure.UpgradeRefused, refusedStatus);
        else call.fail(performance.now() - call.connectAt >= o.connectTimeoutMs ? BurstFailure.ConnectTimeout : BurstFailure.ConnectFailed);
        settle();
      },
    );
  };

  let nextOpen = 0;
  let lastHousekeeping = 0;
  const housekeeping = (now: number): void => {
    for (const call of live) {
      if (call.phase === 'awaiting-echo' && now - call.openAt > o.echoTimeoutMs) {
        call.fail(BurstFailure.EchoTimeout);
        call.phase = 'hanging-up';
        call.hangupAt = now;
        call.terminate();
      } else if ((call.phase === 'echoed' || call.phase === 'awaiting-echo') && now - call.openAt >= o.callMs && call.firstEchoAt > 0) {
        if (call.echoed > 0 || now - call.firstEchoAt >= MARK_GRACE_MS) call.hangup(o.hangup === 'stop', now);
      } else if (call.phase === 'hanging-up' && now - call.hangupAt > o.closeTimeoutMs) {
        if (call.failure === null) hangupsUnanswered++;
        call.hangupAt = Number.POSITIVE_INFINITY; // counted once; the close event follows
        call.terminate();
      }
    }
  };

  const eld = monitorEventLoopDelay({ resolution: 1 });
  eld.enable();
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  clock.start((first, last, now) => {
    const elapsed = now - start;
    while (nextOpen < n && calls[nextOpen]!.scheduledMs <= elapsed) connect(calls[nextOpen++]!, now);
    if (now - lastHousekeeping >= HOUSEKEEPING_MS) {
      lastHousekeeping = now;
      housekeeping(now);
    }
    wheel.sweep(first, last, (call) => {
      if (call.phase !== 'awaiting-echo' && call.phase !== 'echoed') return false;
      call.sendDue(now, FRAME_MS);
      return true;
    });
  });

  const report = setInterval(() => {
    const answered = calls.filter((c) => c.firstEchoAt > 0).length;
    const failed = calls.filter((c) => c.failure !== null).length;
    progress(`burst: ${nextOpen}/${n} opened, ${answered} answered, ${failed} failed, ${live.size} live`);
  }, 1000);
  // Every call ends by its own deadlines well before this; it only bounds a run that went wrong.
  const runDeadlineMs = overMs + o.connectTimeoutMs + Math.max(o.callMs + MARK_GRACE_MS, o.echoTimeoutMs) + o.closeTimeoutMs + 2 * TERMINATE_GRACE_MS + 5000;
  const overrun = setTimeout(() => {
    for (const call of live) call.terminate();
  }, runDeadlineMs);
  await Promise.race([done, new Promise<void>((resolve) => setTimeout(resolve, runDeadlineMs + TERMINATE_GRACE_MS))]);
  finished = true;
  clearTimeout(overrun);
  clearInterval(report);
  clock.stop();
  const durationMs = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  eld.disable();
  for (const call of calls) {
    if (call.phase === 'closed') continue;
    // Still connecting or open at the run's deadline.
    call.fail(call.openAt === 0 ? BurstFailure.ConnectTimeout : BurstFailure.EchoTimeout);
    call.terminate();
  }
  return summarize(calls, { ...o, urls, n, overMs, format, durationMs, cpu, eld: eld.percentile(99) / 1e6, hangupsUnanswered, start });
}

interface SummaryInput {
  provider: string;
  callMs: number;
  connectTimeoutMs: number;
  echoTimeoutMs: number;
  closeTimeoutMs: number;
  hangup: string;
  urls: readonly string[];
  n: number;
  overMs: number;
  format: WireFormat;
  durationMs: number;
  cpu: NodeJS.CpuUsage;
  eld: number;
  hangupsUnanswered: number;
  start: number;
}

function summarize(calls: BurstCall[], s: SummaryInput): BurstResult {
  const connectMs = new Histogram(0.1, 60_000);
  const echoMs = new Histogram(0.1, 60_000);
  const lagMs = new Histogram(0.1, 60_000);
  const failures: Partial<Record<BurstFailure, number>> = {};
  const failuresByCode: Record<string, number> = {};
  const closeCodes: Record<string, number> = {};
  const records: BurstCallRecord[] = [];
  let sent = 0;
  let echoed = 0;
  let firstStart = Number.POSITIVE_INFINITY;
  let lastStart = 0;
  for (const c of calls) {
    const rel = (t: number): number | null => (t > 0 ? round(t - s.start) : null);
    if (c.connectAt > 0) {
      lagMs.record(c.connectAt - s.start - c.scheduledMs);
      firstStart = Math.min(firstStart, c.connectAt);
      lastStart = Math.max(lastStart, c.connectAt);
    }
    if (c.openAt > 0) connectMs.record(c.openAt - c.connectAt);
    if (c.firstEchoAt > 0) echoMs.record(c.firstEchoAt - c.openAt);
    if (c.closeCode !== null) closeCodes[String(c.closeCode)] = (closeCodes[String(c.closeCode)] ?? 0) + 1;
    if (c.failure !== null) {
      failures[c.failure] = (failures[c.failure] ?? 0) + 1;
      const key = failureKey(c.failure, c.failureCode);
      failuresByCode[key] = (failuresByCode[key] ?? 0) + 1;
    }
    sent += c.sent;
    echoed += c.echoed;
    records.push({
      index: c.index,
      target: c.target,
      scheduledMs: round(c.scheduledMs),
      startedMs: rel(c.connectAt),
      connectMs: c.openAt > 0 ? round(c.openAt - c.connectAt) : null,
      openToFirstEchoMs: c.firstEchoAt > 0 ? round(c.firstEchoAt - c.openAt) : null,
      sentFrames: c.sent,
      echoedFrames: c.echoed,
      closeCode: c.closeCode,
      failure: c.failure,
      failureCode: c.failureCode,
    });
  }
  const failed = calls.filter((c) => c.failure !== null).length;
  const quarter = Math.ceil(calls.length / 4);
  const byQuarter = [0, 1, 2, 3].map((q) => median(calls.slice(q * quarter, (q + 1) * quarter).flatMap((c) => (c.firstEchoAt > 0 ? [c.firstEchoAt - c.openAt] : []))));
  const cpuPercent = ((s.cpu.user + s.cpu.system) / 1000 / s.durationMs) * 100;
  const lag = lagMs.summary();
  const saturated = cpuPercent > 85 || s.eld > 20 || (lag.p99 ?? 0) > 20;
  const verdict: string[] = [];
  if (failed > 0) verdict.push(`${failed} of ${calls.length} calls failed (${Object.entries(failuresByCode).map(([k, v]) => `${k}×${v}`).join(', ')})`);
  return {
    provider: s.provider,
    origins: s.urls.map((u) => new URL(u).origin),
    format: s.format,
    settings: {
      calls: s.n,
      overMs: s.overMs,
      ratePerSecond: s.overMs > 0 ? round((s.n * 1000) / s.overMs) : null,
      callMs: s.callMs,
      connectTimeoutMs: s.connectTimeoutMs,
      echoTimeoutMs: s.echoTimeoutMs,
      closeTimeoutMs: s.closeTimeoutMs,
      hangup: s.hangup,
    },
    calls: {
      requested: calls.length,
      opened: calls.filter((c) => c.openAt > 0).length,
      answered: calls.filter((c) => c.firstEchoAt > 0).length,
      echoed: calls.filter((c) => c.echoed > 0).length,
      failed,
      failures,
      failuresByCode,
    },
    connectMs: connectMs.summary(),
    openToFirstEchoMs: echoMs.summary(),
    openToFirstEchoByQuarterMs: byQuarter,
    openLagMs: lag,
    openedOverMs: lastStart > 0 ? round(lastStart - firstStart) : 0,
    closeCodes,
    hangupsUnanswered: s.hangupsUnanswered,
    frames: { sent, echoed },
    durationMs: Math.round(s.durationMs),
    generator: { cpuPercent: Math.round(cpuPercent * 10) / 10, eventLoopDelayP99Ms: Math.round(s.eld * 100) / 100, saturated },
    pass: failed === 0,
    verdict,
    records,
  };
}

/** The key of a failure in {@link BurstResult.calls.failuresByCode}. */
function failureKey(failure: BurstFailure, code: number | null): string {
  switch (failure) {
    case BurstFailure.ClosedBeforeEcho:
    case BurstFailure.ClosedMidCall:
      return String(code ?? 0);
    case BurstFailure.UpgradeRefused:
      return `http_${code ?? 0}`;
    case BurstFailure.ConnectFailed:
    case BurstFailure.ConnectTimeout:
    case BurstFailure.EchoTimeout:
    case BurstFailure.NoMarkedEcho:
      return failure;
  }
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  return round(values[(values.length - 1) >> 1]!);
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
