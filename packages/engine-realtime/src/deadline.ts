/**
 * The vendor's answers a realtime session is owed: a `session.update` is answered by
 * `session.updated`, a `response.create` by `response.created` (or the vendor's refusal because a
 * response is already active). While anything is owed, the vendor must make progress within the
 * deadline — each answer restarts it — or the session fails naming the event it waited for. A
 * vendor that accepted the socket and then went quiet thus ends the call within the operator's
 * deadline instead of leaving the caller in silence.
 */
import type { RealtimeAwaitedEvent } from './errors.ts';

/** One session's owed answers. Owns one timer; {@link clear} stops it. */
export class ReplyDeadline {
  readonly #timeoutMs: number;
  readonly #onTimeout: (awaited: RealtimeAwaitedEvent) => void;
  readonly #owed: Record<RealtimeAwaitedEvent, number> = { 'session.updated': 0, 'response.created': 0 };
  #timer: NodeJS.Timeout | undefined;
  #cleared = false;

  /** `onTimeout` is called once, with the event waited for, when no answer came within `timeoutMs`. */
  constructor(timeoutMs: number, onTimeout: (awaited: RealtimeAwaitedEvent) => void) {
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError('timeoutMs must be a positive number');
    this.#timeoutMs = timeoutMs;
    this.#onTimeout = onTimeout;
  }

  /** Answers owed, per event. */
  owed(event: RealtimeAwaitedEvent): number {
    return this.#owed[event];
  }

  /** A command was sent that `event` answers. */
  expect(event: RealtimeAwaitedEvent): void {
    if (this.#cleared) return;
    this.#owed[event]++;
    this.#timer ??= this.#arm();
  }

  /**
   * `event` arrived. Answers the vendor sends on its own (a response its VAD started) owe
   * nothing and are ignored.
   */
  answered(event: RealtimeAwaitedEvent): void {
    if (this.#cleared || this.#owed[event] === 0) return;
    this.#owed[event]--;
    clearTimeout(this.#timer);
    this.#timer = this.#owed['session.updated'] + this.#owed['response.created'] > 0 ? this.#arm() : undefined;
  }

  /** Stops for good (the call ended or failed). Idempotent. */
  clear(): void {
    this.#cleared = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): NodeJS.Timeout {
    return setTimeout(() => {
      this.#timer = undefined;
      if (this.#cleared) return;
      this.clear();
      this.#onTimeout(this.#owed['session.updated'] > 0 ? 'session.updated' : 'response.created');
    }, this.#timeoutMs);
  }
}
