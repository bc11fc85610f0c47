import {
  BusError,
  BusErrorCode,
  MAX_RUN_EVENT_BYTES,
  MAX_RUN_EVENTS_PER_REQUEST,
  RUN_EVENTS_PERMANENT_ERRORS,
  toSafeJson,
  type RunEvent,
  type RunEventType,
} from '@vr3/protocol';
import type { Logger } from 'pino';
import type { EdgeMetrics } from '../metrics.ts';

/** Longest wait between two re-sends of a batch the bus failed to deliver. */
export const MAX_RUN_EVENTS_BACKOFF_MS = 5_000;
/**
 * Largest `RunEvents` request, in bytes of event data: well under NATS' default 1 MiB message limit
 * (200 events of up to 16 KiB each would not be).
 */
export const MAX_RUN_EVENTS_BATCH_BYTES = 256 * 1024;

/** Options of {@link RunEventQueue}. */
export interface RunEventQueueOptions {
  /** Delivers one batch (the `RunEvents` request); rejects on a bus failure. */
  send(events: RunEvent[]): Promise<unknown>;
  /** Events queued at most; beyond it the oldest are dropped. */
  maxEvents: number;
  /** Bytes of event data (JSON) queued at most; beyond it the oldest are dropped. */
  maxBytes: number;
  /** First delay before re-sending after a bus failure; doubles up to {@link MAX_RUN_EVENTS_BACKOFF_MS}. */
  retryBackoffMs: number;
  metrics: Pick<EdgeMetrics, 'runEvents'>;
  logger: Logger;
  /** Wall clock for `at` (epoch ms). */
  now?: () => number;
}

interface Queued {
  readonly event: RunEvent;
  readonly bytes: number;
}

/**
 * One call's run events on their way to the control-plane: numbered in emission order (`seq` from
 * 1), sent in batches over the bus one request at a time (so the control-plane sees them in order,
 * and stores them idempotently by `(run_id, seq)` when a retry repeats a batch), re-sent with
 * doubling backoff after a bus failure. A batch the control-plane refuses for good (unknown run,
 * another edge's run, malformed: {@link RUN_EVENTS_PERMANENT_ERRORS}) is dropped and counted `refused`.
 *
 * Bounds and drop policy: at most `maxEvents` events and `maxBytes` bytes wait; beyond either the
 * oldest are dropped and counted, and a `log` event saying how many follows. An event over
 * `MAX_RUN_EVENT_BYTES` (or whose data is not a JSON object) is refused and a `log` event naming
 * its type and size takes its place. Event data is stored as its JSON round-trip: the engine may
 * reuse its objects afterwards. Text the database cannot store (NUL, an unpaired UTF-16 surrogate,
 * in a value or a key: what a bridged bot may send) is replaced with U+FFFD when the event is
 * queued, so the event is kept and its batch never refused for it.
 *
 * {@link close} stops taking events and flushes what is left within a deadline; the call finalizes
 * the run after it, so stored events precede the terminal state. Owns its one timer (the retry).
 */
export class RunEventQueue {
  private queue: Queued[] = [];
  private head = 0;
  private queuedBytes = 0;
  private inFlight: Queued[] | null = null;
  private nextSeq = 1;
  private droppedUnreported = 0;
  private droppedTotal = 0;
  private scheduled = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private backoffMs: number;
  private sealed = false;
  private stopped = false;
  private drained: (() => void) | null = null;
  private closing: Promise<void> | null = null;
  private readonly now: () => number;

  constructor(private readonly o: RunEventQueueOptions) {
    this.backoffMs = o.retryBackoffMs;
    this.now = o.now ?? Date.now;
  }

  /** Events waiting (not counting a batch in flight). */
  get size(): number {
    return this.queue.length - this.head;
  }

  /** Events dropped because the queue was full. */
  get dropped(): number {
    return this.droppedTotal;
  }

  /** Queues one event; ignored once {@link close} was called. */
  push(type: RunEventType, data: unknown): void {
    if (this.sealed) return;
    const json = isRecord(data) ? safeStringify(data) : undefined;
    if (json === undefined) return this.refuse(type, 'run event data is not a JSON object', 0);
    const bytes = Buffer.byteLength(json);
    if (bytes > MAX_RUN_EVENT_BYTES) return this.refuse(type, 'run event larger than MAX_RUN_EVENT_BYTES', bytes);
    const parsed = JSON.parse(json) as Record<string, unknown>;
    // JSON.stringify escapes every NUL and unpaired surrogate as `\uXXXX`: without one, nothing to repair.
    this.enqueue(type, json.includes('\\u') ? toSafeJson(parsed) : parsed, bytes);
  }

  /**
   * Stops taking events and sends what is queued, resolving once everything was delivered, the bus
   * closed, or `deadlineMs` passed (what is left is counted `unsent`). Idempotent; never rejects.
   */
  close(deadlineMs: number): Promise<void> {
    this.closing ??= this.flushAndStop(deadlineMs);
    return this.closing;
  }

  private async flushAndStop(deadlineMs: number): Promise<void> {
    this.sealed = true;
    if (this.retryTimer !== null) {
      // Closing: one more attempt now rather than after the backoff.
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.schedule();
    }
    if (this.size > 0 || this.inFlight !== null) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.drained = resolve;
        timer = setTimeout(resolve, deadlineMs);
      });
      clearTimeout(timer);
    }
    this.stop();
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.sealed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    // A batch still in flight is counted by pump() when its request settles.
    const unsent = this.size;
    if (unsent > 0) {
      this.o.metrics.runEvents.inc({ outcome: 'unsent' }, unsent);
      this.o.logger.warn({ unsent }, 'run events not delivered before the run was finalized');
    }
    this.queue = [];
    this.head = 0;
    this.queuedBytes = 0;
    this.settleDrained();
  }

  private refuse(type: RunEventType, message: string, bytes: number): void {
    this.o.metrics.runEvents.inc({ outcome: 'refused' });
    this.enqueueLog({ level: 'warn', message, event_type: type, bytes });
  }

  private enqueueLog(data: Record<string, unknown>): void {
    this.enqueue('log', data, Buffer.byteLength(JSON.stringify(data)));
  }

  private enqueue(type: RunEventType, data: Record<string, unknown>, bytes: number): void {
    this.queue.push({ event: { seq: this.nextSeq++, at: Math.floor(this.now()), type, data }, bytes });
    this.queuedBytes += bytes;
    while (this.size > 1 && (this.size > this.o.maxEvents || this.queuedBytes > this.o.maxBytes)) this.dropOldest();
    this.schedule();
  }

  private dropOldest(): void {
    const entry = this.queue[this.head++]!;
    this.queuedBytes -= entry.bytes;
    this.droppedTotal++;
    this.droppedUnreported++;
    this.o.metrics.runEvents.inc({ outcome: 'dropped' });
    if (this.head > 64 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight !== null || this.retryTimer !== null || this.stopped) return;
    this.scheduled = true;
    // A microtask: events emitted in one turn go in one batch, and no timer is needed.
    queueMicrotask(() => {
      this.scheduled = false;
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    while (!this.stopped && this.inFlight === null && this.size > 0) {
      const batch = this.takeBatch();
      this.inFlight = batch;
      try {
        await this.o.send(batch.map((q) => q.event));
      } catch (err) {
        this.inFlight = null;
        if (this.stopped) {
          this.o.metrics.runEvents.inc({ outcome: 'unsent' }, batch.length);
          return;
        }
        const remote = permanentRefusal(err);
        if (remote !== undefined) {
          this.o.metrics.runEvents.inc({ outcome: 'refused' }, batch.length);
          this.o.logger.warn({ code: remote, events: batch.length }, 'run events refused by the control-plane; dropped');
          continue;
        }
        this.requeue(batch);
        if (err instanceof BusError && err.code === BusErrorCode.Closed) return this.stop();
        this.o.logger.warn({ code: errorCode(err), retry_in_ms: this.backoffMs, queued: this.size }, 'run events not delivered; retrying');
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          void this.pump();
        }, this.backoffMs);
        this.backoffMs = Math.min(this.backoffMs * 2, MAX_RUN_EVENTS_BACKOFF_MS);
        return;
      }
      this.inFlight = null;
      this.backoffMs = this.o.retryBackoffMs;
      this.o.metrics.runEvents.inc({ outcome: 'sent' }, batch.length);
    }
    if (this.size === 0 && this.inFlight === null) this.settleDrained();
  }

  /** The oldest events, up to the request limits; then the note about events dropped meanwhile. */
  private takeBatch(): Queued[] {
    let end = this.head;
    let bytes = 0;
    while (end < this.queue.length && end - this.head < MAX_RUN_EVENTS_PER_REQUEST) {
      const next = this.queue[end]!.bytes;
      if (end > this.head && bytes + next > MAX_RUN_EVENTS_BATCH_BYTES) break;
      bytes += next;
      end++;
    }
    const batch = this.queue.slice(this.head, end);
    this.head = end;
    this.queuedBytes -= bytes;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
    if (this.droppedUnreported > 0) {
      const dropped = this.droppedUnreported;
      this.droppedUnreported = 0;
      this.enqueueLog({ level: 'warn', message: 'run events dropped: the queue was full', dropped });
    }
    return batch;
  }

  /** A failed batch goes back in front, still subject to the bounds (oldest dropped first). */
  private requeue(batch: Queued[]): void {
    this.queue = batch.concat(this.queue.slice(this.head));
    this.head = 0;
    for (const q of batch) this.queuedBytes += q.bytes;
    while (this.size > 1 && (this.size > this.o.maxEvents || this.queuedBytes > this.o.maxBytes)) this.dropOldest();
  }

  private settleDrained(): void {
    const done = this.drained;
    this.drained = null;
    done?.();
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function safeStringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/** The remote code of a refusal a retry cannot fix, if `err` is one. */
function permanentRefusal(err: unknown): string | undefined {
  if (!(err instanceof BusError) || err.code !== BusErrorCode.Remote) return undefined;
  const code = errorCode(err.cause);
  return RUN_EVENTS_PERMANENT_ERRORS.includes(code) ? code : undefined;
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'error';
}
