/**
 * The load generator: N concurrent simulated provider calls against one Agent Stream URL, opened at
 * a fixed rate, streaming marked 20 ms frames in real time from one drift-free clock, with every
 * echoed frame matched to the frame it echoes (see `audio/marker.ts`).
 *
 * Phases: ramp (open calls at `rampPerSecond`; each sends its handshake and then a probe frame every
 * `probeMs` until the first echo — the handshake time — then one frame per 20 ms) → settle →
 * measurement window → grace (late echoes still count) → hang up (stop frame or close) → wait for
 * close codes. Calls are spread over the 20 ms frame period in 1 ms slots of a timer wheel, so the
 * load is even and a tick touches only the calls due in it.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { FRAME_MS, frameBytes, type WireFormat } from '../audio/wire-format.ts';
import { SimulatorError, SimulatorErrorCode } from '../errors.ts';
import { newServerFrame } from '../peers/peer.ts';
import { getPeerFactory } from '../peers/registry.ts';
import { openSocket } from '../socket.ts';
import { markedFrames } from './frame-bank.ts';
import { Histogram, type Percentiles } from './histogram.ts';
import { LoadCall, scratchBytes, type LoadShared, type WindowCounters } from './load-call.ts';
import { TickClock } from './tick-clock.ts';
import { TimerWheel } from './timer-wheel.ts';

/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** Agent Stream URL, query string included. */
  url: string;
  /** Provider to play. Default cloudonix. */
  provider?: string;
  /** Wire format; default the provider's. */
  format?: WireFormat;
  /** Account id on the `start` frame (Cloudonix domain). Default the peer's. */
  account?: string;
  /** Concurrent calls. */
  calls: number;
  /** Calls opened per second during the ramp. Default 100. */
  rampPerSecond?: number;
  /** Steady state before the window, ms. Default 1000. */
  settleMs?: number;
  /** Measurement window, ms. Default 10 000. */
  windowMs?: number;
  /** After the window, time for the last echoes, ms. Default 500. */
  graceMs?: number;
  /** Probe-frame interval while waiting for the first echo, ms (0: send at 20 ms from the start). Default 2. */
  probeMs?: number;
  /** First echo deadline from socket open, ms. Default 10 000. */
  handshakeTimeoutMs?: number;
  /** Wait for the agent side to close after hanging up, ms. Default 3000. */
  closeTimeoutMs?: number;
  /** `stop`: the provider's stop frame (default). `close`: close the socket (for a bare echo server). */
  hangup?: 'stop' | 'close';
  /** p99 echo latency a passing run stays under, ms. Default 20. */
  maxP99Ms?: number;
  /** Progress lines. */
  onProgress?: (line: string) => void;
  /** Called right before the measurement window opens and right after it closes (e.g. to sample the server's CPU). */
  onWindow?: (edge: 'start' | 'end') => void | Promise<void>;
}

/** Defaults of {@link LoadOptions}. */
export const LOAD_DEFAULTS = {
  provider: 'cloudonix',
  rampPerSecond: 100,
  settleMs: 1000,
  windowMs: 10_000,
  graceMs: 500,
  probeMs: 2,
  handshakeTimeoutMs: 10_000,
  closeTimeoutMs: 3000,
  hangup: 'stop',
  maxP99Ms: 20,
} as const;

/** The outcome of one load run (JSON-ready). */
export interface LoadResult {
  provider: string;
  /** Scheme, host and port only: the path and query carry the agent UUID. */
  origin: string;
  format: WireFormat;
  settings: { calls: number; rampPerSecond: number; settleMs: number; windowMs: number; probeMs: number; hangup: string; maxP99Ms: number };
  calls: { requested: number; established: number; failed: number; failures: Record<string, number> };
  handshake: {
    /** Connect start → WebSocket open (TCP + upgrade), ms. */
    connectMs: Percentiles;
    /** WebSocket open → first echoed frame, ms: an upper bound of open → agent running (by ≤ probeMs + one echo). */
    openToFirstEchoMs: Percentiles;
  };
  window: WindowCounters & { durationMs: number; lost: number; frameBytes: number; latencyMs: Percentiles };
  closeCodes: Record<string, number>;
  generator: {
    /** CPU time of this process over the window, % of one core. */
    cpuPercent: number;
    eventLoopDelayP99Ms: number;
    /** How late frames left against their due time, ms. */
    sendLagMs: Percentiles;
    /** True when the generator itself was short of CPU: its numbers then understate the server. */
    saturated: boolean;
  };
  pass: boolean;
  /** Why the run did not pass (empty when it did). */
  verdict: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const TICK_MS = 1;
const SLOTS = FRAME_MS / TICK_MS;
/** Silence after the last probe echo before steady streaming starts (> the agent's 3-frame lead). */
const DRAIN_QUIET_MS = 80;
/** Longest wait for probe echoes to stop (the product queues at most 3 s of audio). */
const DRAIN_MAX_MS = 4000;

/** Runs one load step. Rejects only for invalid options. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const o = {
    url: options.url,
    calls: options.calls,
    provider: options.provider ?? LOAD_DEFAULTS.provider,
    format: options.format,
    account: options.account,
    rampPerSecond: options.rampPerSecond ?? LOAD_DEFAULTS.rampPerSecond,
    settleMs: options.settleMs ?? LOAD_DEFAULTS.settleMs,
    windowMs: options.windowMs ?? LOAD_DEFAULTS.windowMs,
    graceMs: options.graceMs ?? LOAD_DEFAULTS.graceMs,
    probeMs: options.probeMs ?? LOAD_DEFAULTS.probeMs,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? LOAD_DEFAULTS.handshakeTimeoutMs,
    closeTimeoutMs: options.closeTimeoutMs ?? LOAD_DEFAULTS.closeTimeoutMs,
    hangup: options.hangup ?? LOAD_DEFAULTS.hangup,
    maxP99Ms: options.maxP99Ms ?? LOAD_DEFAULTS.maxP99Ms,
    onProgress: options.onProgress,
    onWindow: options.onWindow,
  };
  if (!Number.isInteger(o.calls) || o.calls < 1) throw new SimulatorError(SimulatorErrorCode.InvalidOption, 'calls must be a positive integer');
  if (!(o.rampPerSecond > 0)) throw new SimulatorError(SimulatorErrorCode.InvalidOption, 'rampPerSecond must be positive');
  const factory = getPeerFactory(o.provider);
  const format = o.format ?? factory.defaultFormat;
  const progress = o.onProgress ?? (() => undefined);
  const origin = new URL(o.url).origin;

  const latency = new Histogram();
  const connectMs = new Histogram(0.1, 60_000);
  const handshakeMs = new Histogram(0.1, 60_000);
  const sendLag = new Histogram();
  const failures: Record<string, number> = {};
  const closeCodes: Record<string, number> = {};
  const fail = (call: LoadCall, reason: string): void => {
    if (call.failure !== null) return;
    call.failure = reason;
    failures[reason] = (failures[reason] ?? 0) + 1;
  };
  const handshaking = new Set<LoadCall>();
  const draining = new Set<LoadCall>();
  const stream = (call: LoadCall, now: number): void => {
    call.phase = 'streaming';
    call.nextDue = now;
    wheel.add(call, call.nextDue);
  };
  let closedCount = 0;
  let established = 0;
  const clock = new TickClock(TICK_MS);
  const wheel = new TimerWheel<LoadCall>(clock, SLOTS);

  const shared: LoadShared = {
    measuring: false,
    frames: markedFrames(format),
    scratch: new Uint8Array(scratchBytes(frameBytes(format))),
    frameBytes: frameBytes(format),
    frame: newServerFrame(),
    window: zeroWindow(),
    recordLatency: (ms) => latency.record(ms),
    onFirstEcho(call, now) {
      handshaking.delete(call);
      established++;
      handshakeMs.record(now - call.openAt);
      if (probeTicks === 0) {
        call.phase = 'streaming'; // already on the wheel since the socket opened
        return;
      }
      // Probes go faster than real time, so the agent side may still queue the echoes of those
      // that reached it after it started: wait until they have played out (no echo for
      // DRAIN_QUIET_MS) so that the steady stream does not queue behind them.
      call.phase = 'draining';
      draining.add(call);
    },
    onClosed(call, code, wasPhase) {
      closedCount++;
      handshaking.delete(call);
      draining.delete(call);
      closeCodes[String(code)] = (closeCodes[String(code)] ?? 0) + 1;
      if (wasPhase === 'handshaking') fail(call, `closed ${code} during handshake`);
      else if (wasPhase === 'streaming' || wasPhase === 'draining') fail(call, `closed ${code} mid-call`);
    },
  };

  const calls: LoadCall[] = [];
  let started = 0;
  const rampStart = performance.now();
  const probeTicks = o.probeMs > 0 ? Math.max(1, Math.round(o.probeMs / TICK_MS)) : 0;

  const startCall = (): void => {
    const peer = factory.create({ format, ...(o.account === undefined ? {} : { info: { accountId: o.account } }) });
    const call = new LoadCall(started++, peer, shared);
    calls.push(call);
    call.connectAt = performance.now();
    openSocket(o.url, { timeoutMs: o.handshakeTimeoutMs, zeroMask: true }).then(
      (ws) => {
        const now = performance.now();
        connectMs.record(now - call.connectAt);
        if (call.phase !== 'connecting') {
          ws.terminate();
          return;
        }
        call.attach(ws, now);
        if (probeTicks === 0) {
          // No probes: frames at real time from the start; the first echo marks the handshake.
          handshaking.add(call);
          stream(call, now);
          call.phase = 'handshaking';
        } else handshaking.add(call);
      },
      (err: unknown) => {
        call.phase = 'closed';
        closedCount++;
        const message = err instanceof Error ? err.message : 'connect failed';
        fail(call, message.startsWith('upgrade refused') ? message : 'connect failed');
      },
    );
  };

  clock.start((first, last, now) => {
    // Ramp.
    const target = Math.min(o.calls, Math.floor(((now - rampStart) * o.rampPerSecond) / 1000) + 1);
    while (started < target) startCall();
    // Handshake deadlines, then probes.
    for (const call of handshaking) {
      if (now - call.openAt <= o.handshakeTimeoutMs) continue;
      handshaking.delete(call);
      fail(call, 'handshake timeout');
      call.ws?.terminate();
    }
    if (probeTicks > 0 && handshaking.size > 0 && Math.floor(last / probeTicks) !== Math.floor((first - 1) / probeTicks)) {
      for (const call of handshaking) call.sendFrame(now);
    }
    for (const call of draining) {
      if (now - call.lastEchoAt < DRAIN_QUIET_MS && now - call.firstEchoAt < DRAIN_MAX_MS) continue;
      draining.delete(call);
      stream(call, now);
    }
    // Steady frames: the slots of every tick that passed.
    wheel.sweep(first, last, (call) => {
      if (call.phase !== 'streaming' && call.phase !== 'handshaking') return false;
      while (call.nextDue <= now) {
        if (shared.measuring) sendLag.record(now - call.nextDue);
        call.sendFrame(now);
        call.nextDue += FRAME_MS;
      }
      return true;
    });
  });

  // Ramp until every call is streaming, failed or closed.
  const rampDeadline = rampStart + (o.calls / o.rampPerSecond) * 1000 + o.handshakeTimeoutMs + 2000;
  let lastReport = 0;
  while (performance.now() < rampDeadline) {
    const settled = established + Object.values(failures).reduce((a, b) => a + b, 0);
    if (started === o.calls && settled >= o.calls) break;
    if (performance.now() - lastReport > 1000) {
      lastReport = performance.now();
      progress(`ramp: ${started}/${o.calls} opened, ${established} streaming`);
    }
    await sleep(20);
  }
  for (const call of calls) {
    if (call.phase !== 'connecting' && call.phase !== 'handshaking') continue;
    fail(call, 'handshake timeout');
    handshaking.delete(call);
    call.phase = 'closed';
    call.ws?.terminate();
  }

  await sleep(o.settleMs);

  // Measurement window.
  progress(`window: ${established} calls for ${o.windowMs} ms`);
  latency.reset();
  sendLag.reset();
  shared.window = zeroWindow();
  await o.onWindow?.('start');
  const eld = monitorEventLoopDelay({ resolution: 1 });
  eld.enable();
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  shared.measuring = true;
  await sleep(o.windowMs);
  shared.measuring = false;
  const w1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  eld.disable();
  await o.onWindow?.('end');
  await sleep(o.graceMs);
  const win = { ...shared.window };

  // Hang up.
  clock.stop();
  progress('hanging up');
  for (const call of calls) call.hangup(o.hangup === 'stop');
  const closeDeadline = performance.now() + o.closeTimeoutMs;
  while (closedCount < calls.length && performance.now() < closeDeadline) await sleep(20);
  for (const call of calls) {
    if (call.phase !== 'closed' && call.ws) call.ws.close(1000);
  }
  const terminateDeadline = performance.now() + 1000;
  while (closedCount < calls.length && performance.now() < terminateDeadline) await sleep(20);
  for (const call of calls) if (call.phase !== 'closed') call.ws?.terminate();
  while (closedCount < calls.length && performance.now() < terminateDeadline + 1000) await sleep(10);

  const durationMs = w1 - w0;
  const cpuPercent = ((cpu.user + cpu.system) / 1000 / durationMs) * 100;
  const lag = sendLag.summary();
  const eldP99 = eld.percentile(99) / 1e6;
  const saturated = cpuPercent > 85 || (lag.p99 ?? 0) > 5;
  const lat = latency.summary();
  const failedCount = Object.values(failures).reduce((a, b) => a + b, 0);
  const lost = win.sent - win.echoed;
  const verdict: string[] = [];
  if (failedCount > 0) verdict.push(`${failedCount} calls failed`);
  if (lost > 0) verdict.push(`${lost} frames lost`);
  if (win.undecodable > 0) verdict.push(`${win.undecodable} echoed frames unreadable`);
  if (win.sent === 0) verdict.push('no frames measured');
  if (lat.p99 === null || lat.p99 > o.maxP99Ms) verdict.push(`p99 echo latency ${lat.p99 ?? 'n/a'} ms over ${o.maxP99Ms} ms`);
  return {
    provider: o.provider,
    origin,
    format,
    settings: { calls: o.calls, rampPerSecond: o.rampPerSecond, settleMs: o.settleMs, windowMs: o.windowMs, probeMs: o.probeMs, hangup: o.hangup, maxP99Ms: o.maxP99Ms },
    calls: { requested: o.calls, established, failed: failedCount, failures },
    handshake: { connectMs: connectMs.summary(), openToFirstEchoMs: handshakeMs.summary() },
    window: { ...win, durationMs: Math.round(durationMs), lost, frameBytes: frameBytes(format), latencyMs: lat },
    closeCodes,
    generator: { cpuPercent: Math.round(cpuPercent * 10) / 10, eventLoopDelayP99Ms: Math.round(eldP99 * 100) / 100, sendLagMs: lag, saturated },
    pass: verdict.length === 0,
    verdict,
  };
}

function zeroWindow(): WindowCounters {
  return { sent: 0, echoed: 0, duplicates: 0, reordered: 0, undecodable: 0, invalid: 0 };
}
