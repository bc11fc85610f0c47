/**
 * Real-time metering of an engine's outbound audio. Engines get the agent's audio faster than real
 * time (a TTS, a Realtime model), while the media-edge holds only a few seconds per call and a
 * barge-in throws away whatever waits there. A {@link PlayoutMeter} says when more audio may be
 * handed to {@link AgentIO.sendAudio} — while less than `leadMs` of it waits unheard on the
 * session's {@link PlaybackClock} — and, when none may, wakes its owner once playback has drained
 * to `lowWaterMs`, with one owned timer (cleared by {@link PlayoutMeter.cancel}). The audio itself
 * stays with the engine: its queue, its marks, what a pause takes back.
 *
 * Its timers are injectable ({@link Timers}), the global ones by default.
 */
import type { PlaybackClock } from './session.ts';
import { GLOBAL_TIMERS, type Timers } from './timers.ts';

/** Defaults of {@link PlayoutMeterOptions}. */
export const PLAYOUT_METER_DEFAULTS = {
  /** Unheard agent audio handed over at most, ms: under the media-edge's 3 s outbound buffer. */
  leadMs: 1500,
  /** Shortest wait before a top-up, ms (one provider frame). */
  minWaitMs: 20,
} as const;

/** Options of {@link PlayoutMeter}. */
export interface PlayoutMeterOptions {
  /** Unheard audio handed over at most, ms. Default {@link PLAYOUT_METER_DEFAULTS}.leadMs. */
  leadMs?: number | undefined;
  /**
   * Unheard audio left when the owner is woken to top up, ms, below `leadMs`. Default half of
   * `leadMs`: a top-up every ~`leadMs / 2` of playback rather than every frame.
   */
  lowWaterMs?: number | undefined;
  /** Shortest wait, ms. Default {@link PLAYOUT_METER_DEFAULTS}.minWaitMs. */
  minWaitMs?: number | undefined;
  timers?: Timers | undefined;
}

/** See the module comment. */
export class PlayoutMeter {
  readonly #playback: Pick<PlaybackClock, 'pendingMs'>;
  readonly #wake: () => void;
  readonly #leadMs: number;
  readonly #lowWaterMs: number;
  readonly #minWaitMs: number;
  readonly #timers: Timers;
  #timer: unknown;

  /** `wake`: called (once per {@link wait}) when playback has made room. */
  constructor(playback: Pick<PlaybackClock, 'pendingMs'>, wake: () => void, options: PlayoutMeterOptions = {}) {
    this.#playback = playback;
    this.#wake = wake;
    this.#leadMs = options.leadMs ?? PLAYOUT_METER_DEFAULTS.leadMs;
    this.#lowWaterMs = options.lowWaterMs ?? this.#leadMs / 2;
    this.#minWaitMs = options.minWaitMs ?? PLAYOUT_METER_DEFAULTS.minWaitMs;
    this.#timers = options.timers ?? GLOBAL_TIMERS;
    if (!(this.#leadMs > 0) || !(this.#lowWaterMs >= 0 && this.#lowWaterMs < this.#leadMs) || !(this.#minWaitMs > 0)) {
      throw new RangeError('PlayoutMeter: leadMs > 0, 0 ≤ lowWaterMs < leadMs and minWaitMs > 0 are required');
    }
  }

  get leadMs(): number {
    return this.#leadMs;
  }

  /** More audio may be handed over now: less than `leadMs` waits unheard. */
  get hasRoom(): boolean {
    return this.#playback.pendingMs() < this.#leadMs;
  }

  /** A wake is due. */
  get waiting(): boolean {
    return this.#timer !== undefined;
  }

  /**
   * Audio waits that may not go now: `wake` is called once playback will have drained to
   * `lowWaterMs` (at least `minWaitMs` from now). Nothing more while a wake is due.
   */
  wait(): void {
    if (this.#timer !== undefined) return;
    const delay = Math.max(this.#minWaitMs, this.#playback.pendingMs() - this.#lowWaterMs);
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      this.#wake();
    }, delay);
  }

  /** Cancels a due wake (a pause, a stop, the end of the call). Idempotent. */
  cancel(): void {
    if (this.#timer === undefined) return;
    this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
