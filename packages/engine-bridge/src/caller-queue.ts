/** What waits for the bot socket: a chunk of caller audio (owned copy) or a DTMF digit. */
export type QueuedItem = { audio: Uint8Array; digit?: undefined } | { audio?: undefined; digit: string };

/**
 * Caller audio and DTMF waiting for the bot: while the socket connects, and while the bot does not
 * read fast enough. Bounded by `maxAudioBytes` of audio; pushing past it drops the oldest audio
 * (never a digit), and {@link pushAudio} says how many chunks were dropped. Digits are few (one per
 * key press) and bounded by `maxDigits`, dropping the oldest.
 */
export class CallerQueue {
  #items: QueuedItem[] = [];
  #audioBytes = 0;
  #digits = 0;

  constructor(
    private readonly maxAudioBytes: number,
    private readonly maxDigits = 32,
  ) {}

  get length(): number {
    return this.#items.length;
  }

  /** Bytes of audio held. */
  get audioBytes(): number {
    return this.#audioBytes;
  }

  /** Queues a copy of `audio`; returns the number of audio chunks dropped to make room (the new one included when it alone is too big). */
  pushAudio(audio: Uint8Array): number {
    if (audio.byteLength > this.maxAudioBytes) return 1;
    let dropped = 0;
    while (this.#audioBytes + audio.byteLength > this.maxAudioBytes) {
      const i = this.#items.findIndex((item) => item.audio !== undefined);
      const [old] = this.#items.splice(i, 1);
      this.#audioBytes -= old!.audio!.byteLength;
      dropped++;
    }
    this.#items.push({ audio: Uint8Array.from(audio) });
    this.#audioBytes += audio.byteLength;
    return dropped;
  }

  /** Queues a key press. */
  pushDigit(digit: string): void {
    if (this.#digits >= this.maxDigits) {
      this.#items.splice(this.#items.findIndex((item) => item.digit !== undefined), 1);
      this.#digits--;
    }
    this.#items.push({ digit });
    this.#digits++;
  }

  /** The oldest item, removed; `undefined` when empty. */
  shift(): QueuedItem | undefined {
    const item = this.#items.shift();
    if (item?.audio !== undefined) this.#audioBytes -= item.audio.byteLength;
    else if (item !== undefined) this.#digits--;
    return item;
  }

  clear(): void {
    this.#items = [];
    this.#audioBytes = 0;
    this.#digits = 0;
  }
}
