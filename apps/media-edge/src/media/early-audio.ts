/**
 * Caller audio that arrives between the provider's `start` and the run becoming `running` (while
 * the control-plane validates the call): kept, as wire bytes, and handed to the engine right after
 * it starts, so the caller's first words are not lost.
 *
 * Bounded by `maxBytes` (the edge's `earlyAudioMaxMs` of the call's wire format). Drop policy: live
 * audio, so beyond the bound the oldest frames are dropped; {@link push} returns how many, for the
 * call's stats. Payloads are copied: the buffer never holds memory it does not own.
 */
export class EarlyAudioBuffer {
  private frames: Buffer[] = [];
  private head = 0;
  private bytes = 0;

  constructor(readonly maxBytes: number) {}

  /** Frames held. */
  get size(): number {
    return this.frames.length - this.head;
  }

  /** Bytes held. */
  get byteLength(): number {
    return this.bytes;
  }

  /** Keeps a copy of `payload`; returns the number of frames dropped to stay within the bound (possibly this one). */
  push(payload: Uint8Array): number {
    if (payload.length > this.maxBytes) return 1;
    this.frames.push(Buffer.from(payload));
    this.bytes += payload.length;
    let dropped = 0;
    while (this.bytes > this.maxBytes) {
      this.bytes -= this.frames[this.head++]!.length;
      dropped++;
    }
    if (this.head > 32 && this.head * 2 > this.frames.length) {
      this.frames = this.frames.slice(this.head);
      this.head = 0;
    }
    return dropped;
  }

  /** Hands over every frame held, oldest first, and empties the buffer. */
  take(): Buffer[] {
    const frames = this.head === 0 ? this.frames : this.frames.slice(this.head);
    this.frames = [];
    this.head = 0;
    this.bytes = 0;
    return frames;
  }
}
