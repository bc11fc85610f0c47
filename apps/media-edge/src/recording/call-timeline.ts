/** Timing of {@link CallTimeline}, in milliseconds. */
export const CALL_TIMELINE_DEFAULTS = {
  /**
   * Audio is written this long after its time on the call clock: caller frames arriving up to this
   * late still land where they belong, and agent audio sent ahead of its playout can still be cut
   * by a clear.
   */
  holdbackMs: 250,
  /**
   * A caller frame arriving this much later than the channel's end leaves a gap (filled with
   * silence). Providers send caller audio continuously, silence included, so a shorter lag is the
   * sender's clock or jitter and the frame follows the one before it without a seam.
   */
  gapToleranceMs: 200,
  /** Either channel holds at most this much unwritten audio; beyond it the oldest is written at once. */
  maxPendingMs: 10_000,
} as const;

/** Options of {@link CallTimeline}. */
export interface CallTimelineOptions {
  /** Samples per second of both channels. */
  sampleRate: number;
  /** Monotonic milliseconds: the call clock (the session's pacer clock). */
  now: () => number;
  /** Receives interleaved stereo samples (caller left, agent right), in order; valid only during the call. */
  write: (interleaved: Int16Array) => void;
  holdbackMs?: number;
  gapToleranceMs?: number;
  maxPendingMs?: number;
}

/** One channel's audio not written yet, from the timeline's written position on. */
class PendingChannel {
  samples = new Int16Array(1024);
  length = 0;

  /** Silence up to `length` samples (no-op when already that long). */
  padTo(length: number): void {
    if (length <= this.length) return;
    this.reserve(length);
    this.samples.fill(0, this.length, length);
    this.length = length;
  }

  append(pcm: Int16Array): void {
    this.reserve(this.length + pcm.length);
    this.samples.set(pcm, this.length);
    this.length += pcm.length;
  }

  /** Forgets the first `count` samples (written). */
  shift(count: number): void {
    if (count >= this.length) {
      this.length = 0;
      return;
    }
    this.samples.copyWithin(0, count, this.length);
    this.length -= count;
  }

  private reserve(length: number): void {
    if (length <= this.samples.length) return;
    const grown = new Int16Array(Math.max(length, this.samples.length * 2));
    grown.set(this.samples.subarray(0, this.length));
    this.samples = grown;
  }
}

/**
 * Places a call's two directions on one clock and writes them as interleaved stereo: caller audio
 * (left) where it arrived, agent audio (right) from when it was handed to the provider — after
 * the agent audio before it, which the provider plays first. Gaps (no caller frames, the agent
 * silent) are silence, so both channels stay aligned. A {@link clear} (barge-in) drops agent audio
 * whose playout time has not come yet: the recording holds what was played. Pure: the clock is
 * injected and it owns no timer; memory is bounded by `holdbackMs` and `maxPendingMs`.
 */
export class CallTimeline {
  private readonly startedAt: number;
  private readonly samplesPerMs: number;
  private readonly holdback: number;
  private readonly tolerance: number;
  private readonly maxPending: number;
  private readonly caller = new PendingChannel();
  private readonly agent = new PendingChannel();
  private out = new Int16Array(0);
  /** Sample frames written so far: the position both pending channels start at. */
  private written = 0;
  private finished = false;

  constructor(private readonly o: CallTimelineOptions) {
    this.startedAt = o.now();
    this.samplesPerMs = o.sampleRate / 1000;
    this.holdback = Math.round((o.holdbackMs ?? CALL_TIMELINE_DEFAULTS.holdbackMs) * this.samplesPerMs);
    this.tolerance = Math.round((o.gapToleranceMs ?? CALL_TIMELINE_DEFAULTS.gapToleranceMs) * this.samplesPerMs);
    this.maxPending = Math.round((o.maxPendingMs ?? CALL_TIMELINE_DEFAULTS.maxPendingMs) * this.samplesPerMs);
  }

  /** Sample frames written. */
  get frames(): number {
    return this.written;
  }

  /** Caller audio that arrived now (it ended now). */
  callerAudio(pcm: Int16Array): void {
    if (this.finished || pcm.length === 0) return;
    const startsAt = this.position() - pcm.length - this.written;
    if (this.caller.length < startsAt - this.tolerance) this.caller.padTo(startsAt);
    this.caller.append(pcm);
    this.flush();
  }

  /** Agent audio handed to the provider now: it plays after what is still playing, else from now. */
  agentAudio(pcm: Int16Array): void {
    if (this.finished || pcm.length === 0) return;
    this.agent.padTo(this.position() - this.written);
    this.agent.append(pcm);
    this.flush();
  }

  /** A clear: agent audio not played by now never will be. */
  clear(): void {
    if (this.finished) return;
    const played = Math.max(0, this.position() - this.written);
    if (this.agent.length > played) this.agent.length = played;
  }

  /** The call ended now: agent audio still to play is dropped, everything else written. Idempotent. */
  finish(): void {
    if (this.finished) return;
    this.clear();
    this.finished = true;
    this.writeFrames(Math.max(this.caller.length, this.agent.length));
  }

  /** Samples since the timeline started, on the call clock. */
  private position(): number {
    return Math.max(0, Math.round((this.o.now() - this.startedAt) * this.samplesPerMs));
  }

  /** Writes what is older than the holdback, or what exceeds the pending bound. */
  private flush(): void {
    const due = this.position() - this.holdback - this.written;
    const excess = Math.max(this.caller.length, this.agent.length) - this.maxPending;
    this.writeFrames(Math.max(due, excess));
  }

  private writeFrames(count: number): void {
    if (count <= 0) return;
    if (this.out.length < count * 2) this.out = new Int16Array(count * 2);
    const out = this.out;
    const left = this.caller.samples;
    const right = this.agent.samples;
    const leftLength = this.caller.length;
    const rightLength = this.agent.length;
    for (let i = 0; i < count; i++) {
      out[2 * i] = i < leftLength ? left[i]! : 0;
      out[2 * i + 1] = i < rightLength ? right[i]! : 0;
    }
    this.caller.shift(count);
    this.agent.shift(count);
    this.written += count;
    this.o.write(out.subarray(0, count * 2));
  }
}
