import type { ClearResult, PlaybackClock } from '@vr3/agent';
import { PLAYBACK_DEFAULTS } from './playback.ts';

/** What the clock reads of the outbound path (the call's transcoder and pacer). */
export interface PlayoutState {
  /** Agent audio accepted but not yet handed to the provider (pacer queue and a partial frame), in ms. */
  queuedMs(): number;
  /** Until the provider has played everything handed to it, assuming it plays on receipt in real time, in ms (≥ 0). */
  playoutRemainingMs(): number;
}

interface PlacedMark {
  readonly name: string;
  /** {@link EdgePlaybackClock.sentMs} when the mark was placed. */
  readonly position: number;
}

/**
 * The session's playback clock ({@link PlaybackClock}): how much of the agent's audio the caller
 * has heard, on the engine's own timeline (milliseconds of audio given to `sendAudio`).
 *
 * - `sentMs` counts audio accepted from the engine, minus audio that will never play (dropped by
 *   the bounded queue or a backed-up socket, or cut off by a clear);
 * - `heardMs` is `sentMs` minus what is still queued at the edge and what the pacer says the
 *   provider is still playing (real-time playout from receipt). A provider's playback
 *   acknowledgement of a mark (`mark` echo, `playedStream`) corrects it: the caller had heard
 *   exactly the mark's position at that moment, and has heard at most one more millisecond per
 *   millisecond since — which catches a provider that buffers more than the pacer assumes;
 * - `heardMs` never goes back and never passes `sentMs`.
 *
 * Pure: reads time from the injected `now` (the pacer's clock), owns no timer.
 */
export class EdgePlaybackClock implements PlaybackClock {
  private sent = 0;
  private heard = 0;
  /** The latest acknowledged mark: position heard at time `at`. */
  private anchorPosition = 0;
  private anchorAt = Number.NEGATIVE_INFINITY;
  private marks: PlacedMark[] = [];

  constructor(
    private readonly state: PlayoutState,
    private readonly now: () => number,
  ) {}

  sentMs(): number {
    return this.sent;
  }

  heardMs(): number {
    let heard = this.sent - this.state.queuedMs() - this.state.playoutRemainingMs();
    const anchored = this.anchorPosition + (this.now() - this.anchorAt);
    if (anchored < heard) heard = anchored;
    if (heard < this.heard) heard = this.heard;
    if (heard > this.sent) heard = this.sent;
    this.heard = heard;
    return heard;
  }

  pendingMs(): number {
    return this.sent - this.heardMs();
  }

  /** The engine handed over `ms` of audio. */
  accepted(ms: number): void {
    this.sent += ms;
  }

  /** `ms` of accepted audio will never play (a dropped frame). */
  discarded(ms: number): void {
    this.sent = Math.max(this.heard, this.sent - ms);
  }

  /** A mark was placed after the audio accepted so far. */
  marked(name: string): void {
    this.marks.push({ name, position: this.sent });
    if (this.marks.length > PLAYBACK_DEFAULTS.maxOutstanding) this.marks.shift();
  }

  /** The provider acknowledged mark `name` (not a timeout): the caller has heard up to its position, now. */
  acked(name: string): void {
    const index = this.marks.findIndex((m) => m.name === name);
    if (index < 0) return;
    const position = Math.min(this.marks[index]!.position, this.sent);
    this.marks.splice(0, index + 1);
    this.anchorPosition = position;
    this.anchorAt = this.now();
    if (position > this.heard) this.heard = position;
  }

  /**
   * A clear: what was not heard yet is discarded (queued at the edge and still buffered at the
   * provider); the timeline goes on from the position heard. Marks placed before it no longer
   * correct the clock.
   */
  clear(): ClearResult {
    const heardMs = this.heardMs();
    const discardedMs = this.sent - heardMs;
    this.sent = heardMs;
    this.marks = [];
    this.anchorAt = Number.NEGATIVE_INFINITY;
    return { heardMs, discardedMs };
  }
}
