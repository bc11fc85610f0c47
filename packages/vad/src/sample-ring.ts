/**
 * A bounded FIFO of PCM16 samples between `push` (any chunk size, typically 20 ms frames) and the
 * classifier (fixed windows). Positions are absolute sample indices since the stream began, so
 * windows keep their place on the stream's clock even after drops. Preallocated; no per-push
 * allocation.
 *
 * Drop policy: when a write would exceed the capacity, the oldest unread samples are dropped
 * (live audio: newer is worth more) and counted.
 */
export class SampleRing {
  readonly #buf: Int16Array;
  /** Absolute index of the next sample to read. */
  #readPos = 0;
  /** Absolute index one past the last sample written. */
  #writePos = 0;

  /** @param capacity - samples held at most. */
  constructor(capacity: number) {
    this.#buf = new Int16Array(capacity);
  }

  /** Samples held at most. */
  get capacity(): number {
    return this.#buf.length;
  }

  /** Absolute index of the next sample to read. */
  get readPos(): number {
    return this.#readPos;
  }

  /** Absolute index one past the last sample written (samples written since the start). */
  get writePos(): number {
    return this.#writePos;
  }

  /** Unread samples. */
  get available(): number {
    return this.#writePos - this.#readPos;
  }

  /** Appends `samples`; returns how many of the oldest unread samples were dropped to fit them. */
  write(samples: Int16Array): number {
    const cap = this.#buf.length;
    let src = samples;
    let dropped = 0;
    if (src.length > cap) {
      // Only the newest `cap` samples can be kept; the rest are dropped unread.
      dropped += this.available + src.length - cap;
      this.#writePos += src.length - cap;
      this.#readPos = this.#writePos;
      src = src.subarray(src.length - cap);
    }
    const overflow = this.available + src.length - cap;
    if (overflow > 0) {
      this.#readPos += overflow;
      dropped += overflow;
    }
    let at = this.#writePos % cap;
    let rest = src;
    while (rest.length > 0) {
      const n = Math.min(rest.length, cap - at);
      this.#buf.set(rest.subarray(0, n), at);
      rest = rest.subarray(n);
      at = 0;
    }
    this.#writePos += src.length;
    return dropped;
  }

  /** Moves the next `dst.length` samples into `dst`; the caller checked {@link available}. */
  read(dst: Int16Array): void {
    const cap = this.#buf.length;
    const at = this.#readPos % cap;
    const first = Math.min(dst.length, cap - at);
    dst.set(this.#buf.subarray(at, at + first), 0);
    if (first < dst.length) dst.set(this.#buf.subarray(0, dst.length - first), first);
    this.#readPos += dst.length;
  }

  /** Drops everything unread (positions keep counting). */
  clear(): void {
    this.#readPos = this.#writePos;
  }
}
