import { FRAME_MS } from './codecs.ts';

/** Where a {@link OutboundPacer} delivers. */
export interface PacerSink {
  /** Sends one audio frame (or drops and counts it when the socket is backed up). */
  sendAudio(frame: Buffer): void;
  sendMark(name: string): void;
  /** A queued frame was dropped because the queue was full. */
  dropped(): void;
}

/** Options of {@link OutboundPacer}. */
export interface PacerOptions {
  /** Audio frames held at most; beyond it the oldest is dropped. */
  maxFrames: number;
  /** Frames sent ahead of real time (counted in {@link FRAME_MS} frames, whatever `frameMs` is). */
  leadFrames: number;
  /** Playout duration of one queued frame. Default {@link FRAME_MS}; Exotel sends 80–200 ms chunks. */
  frameMs?: number;
  /**
   * How far playout may fall behind its clock and still catch up (late frames go out at once).
   * Beyond it the provider has run dry for longer than a jitter spike (a pause in the agent's
   * audio), so the clock restarts at the next frame. Default {@link DEFAULT_MAX_CATCH_UP_MS}.
   */
  maxCatchUpMs?: number;
  /** Monotonic milliseconds. */
  now?: () => number;
}

/** Default of {@link PacerOptions.maxCatchUpMs}. */
export const DEFAULT_MAX_CATCH_UP_MS = 200;

/**
 * Real-time playout of one call's outbound frames: a bounded FIFO of audio frames (Buffers) and
 * marks (strings), drained at one frame per `frameMs` (20 ms unless the provider wants bigger
 * chunks) from a drift-free clock (due times are `epoch + n × frameMs`, never chained delays),
 * sending up to `(leadFrames − 1) × 20 ms` ahead of real time.
 * Frames that arrive late (a stall on either side) go out at once so the clock, and the latency,
 * stay where they were; only when playout has been dry for longer than `maxCatchUpMs` does the
 * clock restart at the next frame. A mark leaves the queue as soon as the audio before it has been sent.
 *
 * Drop policy: beyond `maxFrames` the oldest audio frame is dropped (live audio: late is worthless).
 */
export class OutboundPacer {
  private queue: Array<Buffer | string> = [];
  private head = 0;
  private audioQueued = 0;
  private timer: NodeJS.Timeout | null = null;
  private epoch = 0;
  private sent = 0;
  private stopped = false;
  private idleWaiter: (() => void) | null = null;
  private readonly now: () => number;
  private readonly leadMs: number;
  private readonly frameMs: number;
  private readonly maxCatchUpMs: number;
  private readonly tick = (): void => {
    this.timer = null;
    this.pump();
  };

  constructor(
    private readonly sink: PacerSink,
    private readonly options: PacerOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.frameMs = options.frameMs ?? FRAME_MS;
    this.maxCatchUpMs = options.maxCatchUpMs ?? DEFAULT_MAX_CATCH_UP_MS;
    this.leadMs = (Math.max(1, options.leadFrames) - 1) * FRAME_MS;
  }

  /** Audio frames waiting to be sent. */
  get queuedFrames(): number {
    return this.audioQueued;
  }

  /** Milliseconds until the provider has played everything sent so far (assuming it plays on receipt). */
  playoutRemainingMs(): number {
    return Math.max(0, this.epoch + this.sent * this.frameMs - this.now());
  }

  pushAudio(frame: Buffer): void {
    if (this.stopped) return;
    // Nothing queued and the frame is due (an engine answering in real time): send it straight
    // away, exactly as pump() would, without going through the queue.
    if (this.head === this.queue.length && this.timer === null) {
      const now = this.now();
      if (now - (this.epoch + this.sent * this.frameMs) > this.maxCatchUpMs) {
        this.epoch = now;
        this.sent = 0;
      }
      if (this.epoch + this.sent * this.frameMs - this.leadMs <= now) {
        this.sent++;
        this.sink.sendAudio(frame);
        if (this.head === this.queue.length) this.settleIdle();
        return;
      }
    }
    this.queue.push(frame);
    this.audioQueued++;
    while (this.audioQueued > this.options.maxFrames) this.dropOldest();
    if (this.timer === null) this.pump();
  }

  /** Queues a mark behind the audio queued so far; sent at once when nothing is queued. */
  pushMark(name: string): void {
    if (this.stopped) return;
    if (this.head === this.queue.length) this.sink.sendMark(name);
    else this.queue.push(name);
  }

  /** Drops everything queued and restarts the clock; returns the names of marks that were never sent. */
  clear(): string[] {
    const marks: string[] = [];
    for (let i = this.head; i < this.queue.length; i++) {
      const entry = this.queue[i]!;
      if (typeof entry === 'string') marks.push(entry);
    }
    this.reset();
    this.settleIdle();
    return marks;
  }

  /** Calls `fn` once the queue is empty (at once if it already is). One waiter at a time. */
  whenIdle(fn: () => void): void {
    if (this.head === this.queue.length) fn();
    else this.idleWaiter = fn;
  }

  /** Stops for good: drops the queue, clears the timer, forgets any idle waiter. Idempotent. */
  stop(): void {
    this.stopped = true;
    this.idleWaiter = null;
    this.reset();
  }

  private reset(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
    this.head = 0;
    this.audioQueued = 0;
    this.epoch = 0;
    this.sent = 0;
  }

  private dropOldest(): void {
    // Marks ahead of the dropped frame go out now: everything before them has been sent or dropped.
    while (typeof this.queue[this.head] === 'string') this.sink.sendMark(this.queue[this.head++] as string);
    if (this.head < this.queue.length) {
      this.head++;
      this.audioQueued--;
      this.sink.dropped();
    }
  }

  private pump(): void {
    const now = this.now();
    // Playout has been dry for longer than a late burst could explain: restart the clock here.
    if (now - (this.epoch + this.sent * this.frameMs) > this.maxCatchUpMs) {
      this.epoch = now;
      this.sent = 0;
    }
    while (this.head < this.queue.length) {
      const entry = this.queue[this.head]!;
      if (typeof entry === 'string') {
        this.head++;
        this.sink.sendMark(entry);
        continue;
      }
      const sendAt = this.epoch + this.sent * this.frameMs - this.leadMs;
      if (sendAt > now) {
        this.timer = setTimeout(this.tick, sendAt - now);
        break;
      }
      this.head++;
      this.audioQueued--;
      this.sent++;
      this.sink.sendAudio(entry);
    }
    this.compact();
    if (this.head === this.queue.length) this.settleIdle();
  }

  private compact(): void {
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 64 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private settleIdle(): void {
    const waiter = this.idleWaiter;
    this.idleWaiter = null;
    waiter?.();
  }
}
