import type { FrameDropReason } from '@vr3/protocol';
import { Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';

/** Label of {@link EdgeMetrics.framesDropped}: why a frame did not reach its destination (the protocol's table, documented there). */
export type DropReason = FrameDropReason;

/** Bus calls the edge makes, as the `op` label of {@link EdgeMetrics.busRequestSeconds}. */
export type BusOp = 'admit' | 'start' | 'finalize' | 'action' | 'events' | 'recording';

/** Label of {@link EdgeMetrics.runEvents}: what became of a run event. */
export type RunEventOutcome =
  /** Stored by the control-plane. */
  | 'sent'
  /** Dropped (oldest first) because the call's queue was full. */
  | 'dropped'
  /** Refused at `emit`: larger than `MAX_RUN_EVENT_BYTES` or not JSON (a `log` event says so instead). */
  | 'refused'
  /** Still queued when the call's flush deadline passed or the bus closed. */
  | 'unsent';

/**
 * A label-free prom-client counter fed on the hot path as a plain number: {@link add} is a field
 * increment (no prom-client call per frame); the counter catches up whenever the registry is read
 * (its `collect` hook), so a scrape sees every count.
 */
export class HotCounter {
  /** Counts not yet added to {@link counter}. */
  pending = 0;

  constructor(readonly counter: Counter<string>) {}

  add(n = 1): void {
    this.pending += n;
  }

  /** Adds the pending counts to the counter (what a scrape does first). */
  flush(): void {
    const n = this.pending;
    if (n === 0) return;
    this.pending = 0;
    this.counter.inc(n);
  }
}

/** The hot counter of each registered counter: two edges in one registry share one. */
const HOT_COUNTERS = new WeakMap<Counter<string>, HotCounter>();

/** The {@link HotCounter} of `counter`, hooking its `collect` the first time (keeping any earlier hook). */
function hotCounter(counter: Counter<string>): HotCounter {
  let hot = HOT_COUNTERS.get(counter);
  if (hot === undefined) {
    const h = new HotCounter(counter);
    // prom-client keeps the configuration's `collect` as a property and calls it on every read.
    const hooked = counter as Counter<string> & { collect?: (this: Counter<string>) => void | Promise<void> };
    const earlier = hooked.collect;
    hooked.collect = function (this: Counter<string>) {
      h.flush();
      return earlier?.call(this);
    };
    HOT_COUNTERS.set(counter, h);
    hot = h;
  }
  return hot;
}

/** The media-edge's prom-client metrics. */
export interface EdgeMetrics {
  activeCalls: Gauge<string>;
  handshakeSeconds: Histogram<string>;
  /** Per media frame: kept as plain numbers, added to the registry's counters when it is read. */
  framesIn: HotCounter;
  framesOut: HotCounter;
  framesDropped: Counter<'direction' | 'reason'>;
  closeCodes: Counter<'code' | 'initiator'>;
  /** Streams closed at socket open without a `StreamAdmit` request, by stream error code. */
  streamsRefused: Counter<'code'>;
  /** `StreamAdmit` answers refusing the stream, by stream error code (`overloaded`: the control-plane's admission is saturated). */
  admissionsRefused: Counter<'code'>;
  /** Sockets open whose provider `start` has not arrived yet. */
  pendingHandshakes: Gauge<string>;
  /** `StreamAdmit` requests awaiting their answer. */
  pendingAdmissions: Gauge<string>;
  busRequestSeconds: Histogram<'op' | 'outcome'>;
  runEvents: Counter<'outcome'>;
}

/**
 * Registers the edge's metrics in `registry` (or a private one). Metrics already present in the
 * registry under the same name (a second edge in one process) are reused.
 */
export function createEdgeMetrics(registry: Registry = new Registry()): EdgeMetrics {
  const reuse = <M extends Metric<string>>(name: string, make: () => M): M => (registry.getSingleMetric(name) as M | undefined) ?? make();
  const registers = [registry];
  return {
    activeCalls: reuse('vr3_media_edge_active_calls', () => new Gauge({ name: 'vr3_media_edge_active_calls', help: 'Calls held by this media-edge', registers })),
    handshakeSeconds: reuse(
      'vr3_media_edge_handshake_seconds',
      () =>
        new Histogram({
          name: 'vr3_media_edge_handshake_seconds',
          help: 'WebSocket open to run running',
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
          registers,
        }),
    ),
    framesIn: hotCounter(reuse('vr3_media_edge_frames_in_total', () => new Counter({ name: 'vr3_media_edge_frames_in_total', help: 'Inbound media frames', registers }))),
    framesOut: hotCounter(reuse('vr3_media_edge_frames_out_total', () => new Counter({ name: 'vr3_media_edge_frames_out_total', help: 'Outbound media frames sent', registers }))),
    framesDropped: reuse(
      'vr3_media_edge_frames_dropped_total',
      () => new Counter({ name: 'vr3_media_edge_frames_dropped_total', help: 'Media frames dropped', labelNames: ['direction', 'reason'] as const, registers }),
    ),
    closeCodes: reuse(
      'vr3_media_edge_close_codes_total',
      () => new Counter({ name: 'vr3_media_edge_close_codes_total', help: 'Stream closes by code', labelNames: ['code', 'initiator'] as const, registers }),
    ),
    streamsRefused: reuse(
      'vr3_media_edge_streams_refused_total',
      () =>
        new Counter({
          name: 'vr3_media_edge_streams_refused_total',
          help: 'Streams refused at socket open, before any admission request, by code',
          labelNames: ['code'] as const,
          registers,
        }),
    ),
    admissionsRefused: reuse(
      'vr3_media_edge_admissions_refused_total',
      () =>
        new Counter({
          name: 'vr3_media_edge_admissions_refused_total',
          help: 'StreamAdmit answers refusing the stream, by code',
          labelNames: ['code'] as const,
          registers,
        }),
    ),
    pendingHandshakes: reuse(
      'vr3_media_edge_pending_handshakes',
      () => new Gauge({ name: 'vr3_media_edge_pending_handshakes', help: 'Sockets open whose provider start has not arrived yet', registers }),
    ),
    pendingAdmissions: reuse(
      'vr3_media_edge_pending_admissions',
      () => new Gauge({ name: 'vr3_media_edge_pending_admissions', help: 'StreamAdmit requests awaiting their answer', registers }),
    ),
    busRequestSeconds: reuse(
      'vr3_media_edge_bus_request_seconds',
      () =>
        new Histogram({
          name: 'vr3_media_edge_bus_request_seconds',
          help: 'Bus request latency',
          labelNames: ['op', 'outcome'] as const,
          buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
          registers,
        }),
    ),
    runEvents: reuse(
      'vr3_media_edge_run_events_total',
      () => new Counter({ name: 'vr3_media_edge_run_events_total', help: 'Run events emitted by engines, by outcome', labelNames: ['outcome'] as const, registers }),
    ),
  };
}
