import type { ServerResponse } from 'node:http';
import type { Subscription } from '@vr3/protocol';
import type { ControlPlaneContext } from '../context.ts';
import { liveCallsSubject, liveTranscriptsSubject, type CallChangeMessage, type TranscriptMessage } from './feed.ts';
import { findLiveCalls } from './live-call.ts';
import { SseWriter } from './sse-writer.ts';

/** Bounds and timings of one live-calls stream. */
export interface LiveStreamOptions {
  /** A comment line this often keeps proxies from closing an idle stream, in milliseconds. */
  heartbeatMs: number;
  /** The stream's credential is checked again this often (a revoked key ends it), in milliseconds. */
  recheckMs: number;
  /** A client that leaves more than this unread in the socket buffer is cut off, in bytes. */
  maxBufferedBytes: number;
  /** Events arriving while the snapshot is read are held, at most this many (past it the stream is ended). */
  maxPendingEvents: number;
  /**
   * Wait between subscribing (and telling the other replicas a stream opened) and reading the
   * snapshot, in milliseconds: a change another replica makes once it heard of the stream is never
   * missed by both the snapshot and the feed.
   */
  settleMs: number;
}

/** Defaults of {@link LiveStreamOptions}. */
export const LIVE_STREAM_DEFAULTS: LiveStreamOptions = {
  heartbeatMs: 15_000,
  recheckMs: 60_000,
  maxBufferedBytes: 1024 * 1024,
  maxPendingEvents: 1000,
  settleMs: 50,
};

/** Who the stream is for. */
export interface LiveStreamAudience {
  organizationId: string;
  /** Send the transcript lines of voice and realtime agents (`call.transcript`). */
  transcripts: boolean;
  /** Whether the credential still holds (see `credentialStillHolds`). */
  stillAllowed(): Promise<boolean>;
}

type Pending = { name: string; data: unknown };

/**
 * One live-calls stream: subscribes to the organization's feed first, then reads the snapshot of
 * its live calls and sends it, then the changes that arrived meanwhile and every later one as it
 * comes; heartbeats; the credential rechecked. Ends when the client goes, when its credential no
 * longer holds, when it falls behind, or on {@link close}. A call change sent before the snapshot
 * was read may repeat in it: clients keep a call's most advanced state.
 */
export class LiveStream {
  readonly #writer: SseWriter;
  readonly #subscriptions: Subscription[] = [];
  readonly #timers: NodeJS.Timeout[] = [];
  #pending: Pending[] | null = [];
  #closed = false;
  readonly done: Promise<void>;
  #resolveDone!: () => void;

  constructor(
    private readonly ctx: ControlPlaneContext,
    res: ServerResponse,
    private readonly audience: LiveStreamAudience,
    private readonly options: LiveStreamOptions,
  ) {
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
    this.#writer = new SseWriter(res, options.maxBufferedBytes, () => {
      ctx.logger.info({ organization_id: audience.organizationId }, 'live-calls stream cut off: the client does not read');
      this.close();
    });
    res.once('close', () => this.close());
  }

  /** Opens the stream and sends the snapshot. Resolves once it is sent (or the stream ended first). */
  async start(): Promise<void> {
    const { bus, pool } = this.ctx;
    const org = this.audience.organizationId;
    this.#writer.open();
    this.#subscriptions.push(bus.subscribe(liveCallsSubject(org), (data) => this.#send((data as CallChangeMessage).event, { call: (data as CallChangeMessage).call })));
    if (this.audience.transcripts) {
      this.#subscriptions.push(bus.subscribe(liveTranscriptsSubject(org), (data) => this.#send('call.transcript', data as TranscriptMessage)));
    }
    this.#every(this.options.heartbeatMs, () => this.#writer.comment('keep-alive'));
    this.#every(this.options.recheckMs, () => void this.#recheck());
    await new Promise((resolve) => setTimeout(resolve, this.options.settleMs));
    if (this.#closed) return;
    const snapshot = await findLiveCalls(pool, org);
    if (this.#closed) return;
    this.#writer.event('snapshot', { calls: snapshot.calls, truncated: snapshot.truncated, transcripts: this.audience.transcripts, server_time: new Date().toISOString() });
    const held = this.#pending ?? [];
    this.#pending = null;
    for (const event of held) this.#writer.event(event.name, event.data);
  }

  /** Ends the stream; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const sub of this.#subscriptions) {
      try {
        sub.unsubscribe();
      } catch (err) {
        this.ctx.logger.warn({ err }, 'live-calls unsubscribe failed');
      }
    }
    for (const timer of this.#timers) clearInterval(timer);
    this.#pending = null;
    this.#writer.close();
    this.#resolveDone();
  }

  #send(name: string, data: unknown): void {
    if (this.#closed) return;
    if (this.#pending === null) return this.#writer.event(name, data);
    if (this.#pending.length >= this.options.maxPendingEvents) return this.close();
    this.#pending.push({ name, data });
  }

  #every(ms: number, task: () => void): void {
    const timer = setInterval(task, ms);
    timer.unref();
    this.#timers.push(timer);
  }

  async #recheck(): Promise<void> {
    try {
      if (!(await this.audience.stillAllowed())) {
        this.ctx.logger.info({ organization_id: this.audience.organizationId }, 'live-calls stream ended: its credential no longer holds');
        this.close();
      }
    } catch (err) {
      // A database hiccup does not end the stream; the next check decides.
      this.ctx.logger.warn({ err }, 'live-calls credential check failed');
    }
  }
}
