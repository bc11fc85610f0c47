/** Fallback timings of {@link PlaybackTracker}, in milliseconds. */
export const PLAYBACK_DEFAULTS = {
  /**
   * A marker not acknowledged this long after the audio before it should have finished playing is
   * reported played anyway (Vobiz/Plivo skip `playedStream` after a disconnect; some Twilio-style
   * providers may not echo marks at all).
   */
  markGraceMs: 2000,
  /** After a `clear`, markers sent before it are reported once the provider confirms, or after this. */
  clearAckTimeoutMs: 1000,
  /** Markers awaiting acknowledgement at most; beyond it the oldest is reported at once. */
  maxOutstanding: 256,
} as const;

/** Options of {@link PlaybackTracker}. */
export interface PlaybackTrackerOptions {
  /** Called once per marker, in the order the markers were sent. */
  onPlayed(name: string): void;
  markGraceMs?: number;
  clearAckTimeoutMs?: number;
}

interface Outstanding {
  readonly name: string;
  timer: NodeJS.Timeout | null;
  /** Sent before the latest `clear`: settled by the clear's acknowledgement or its timeout. */
  beforeClear: boolean;
  /** Never sent (dropped from the queue by a `clear`): settles with the markers before it. */
  unsent: boolean;
}

/**
 * Knows which playback markers the provider still owes an acknowledgement for, and reports each
 * marker exactly once, in order: when the provider acknowledges it (`mark` echo, `playedStream`)
 * — which also settles every earlier marker —, when a `clear` is confirmed (`clearedAudio`, or
 * the marks a Twilio-style provider flushes back), or on a timeout when no acknowledgement comes.
 * Owns its timers; {@link close} clears them.
 */
export class PlaybackTracker {
  private readonly queue: Outstanding[] = [];
  private clearTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly markGraceMs: number;
  private readonly clearAckTimeoutMs: number;

  constructor(private readonly o: PlaybackTrackerOptions) {
    this.markGraceMs = o.markGraceMs ?? PLAYBACK_DEFAULTS.markGraceMs;
    this.clearAckTimeoutMs = o.clearAckTimeoutMs ?? PLAYBACK_DEFAULTS.clearAckTimeoutMs;
  }

  /** Markers awaiting acknowledgement. */
  get outstanding(): number {
    return this.queue.length;
  }

  /** Marker `name` was sent; the audio before it plays out within `playoutRemainingMs`. */
  sent(name: string, playoutRemainingMs: number): void {
    if (this.closed) return;
    const entry: Outstanding = { name, timer: null, beforeClear: false, unsent: false };
    entry.timer = setTimeout(() => this.settleThrough(entry), Math.max(0, playoutRemainingMs) + this.markGraceMs);
    this.queue.push(entry);
    if (this.queue.length > PLAYBACK_DEFAULTS.maxOutstanding) this.settleThrough(this.queue[0]!);
  }

  /** The provider acknowledged `name`: it and every marker sent before it have played (or were cleared). */
  acked(name: string): void {
    const entry = this.queue.find((e) => e.name === name);
    if (entry) this.settleThrough(entry);
  }

  /**
   * We sent a `clear`: markers sent so far settle on its acknowledgement, or after the timeout;
   * `unsent` markers (still queued locally, now dropped) settle right after them, or at once when
   * nothing is outstanding.
   */
  clear(unsent: readonly string[] = []): void {
    if (this.closed) return;
    if (this.queue.length === 0) {
      if (unsent.length > 0) queueMicrotask(() => unsent.forEach((name) => !this.closed && this.o.onPlayed(name)));
      return;
    }
    for (const e of this.queue) e.beforeClear = true;
    for (const name of unsent) this.queue.push({ name, timer: null, beforeClear: true, unsent: true });
    if (this.clearTimer !== null) clearTimeout(this.clearTimer);
    this.clearTimer = setTimeout(() => this.settleCleared(), this.clearAckTimeoutMs);
  }

  /** The provider confirmed a clear (`clearedAudio`): markers sent before it will never be acknowledged. */
  cleared(): void {
    this.settleCleared();
  }

  /** Forgets everything without reporting. Idempotent. */
  close(): void {
    this.closed = true;
    if (this.clearTimer !== null) clearTimeout(this.clearTimer);
    this.clearTimer = null;
    for (const e of this.queue) if (e.timer !== null) clearTimeout(e.timer);
    this.queue.length = 0;
  }

  private settleCleared(): void {
    if (this.clearTimer !== null) clearTimeout(this.clearTimer);
    this.clearTimer = null;
    let last: Outstanding | undefined;
    for (const e of this.queue) if (e.beforeClear) last = e;
    if (last) this.settleThrough(last);
  }

  /** Reports `entry` and every marker before it, in order. */
  private settleThrough(entry: Outstanding): void {
    const index = this.queue.indexOf(entry);
    if (index < 0 || this.closed) return;
    const settled = this.queue.splice(0, index + 1);
    for (const e of settled) {
      if (e.timer !== null) clearTimeout(e.timer);
      e.timer = null;
    }
    // Markers that were never sent follow the last one that was.
    while (this.queue[0]?.unsent) settled.push(this.queue.shift()!);
    for (const e of settled) {
      if (this.closed) return;
      this.o.onPlayed(e.name);
    }
  }
}
