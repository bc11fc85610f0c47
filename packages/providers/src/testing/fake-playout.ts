import type { AckMode } from './media-client.ts';

interface Pending {
  name: string;
  timer: NodeJS.Timeout | null;
}

/**
 * A fake provider's playback buffer, deciding when playback markers are acknowledged: at once, when
 * the audio before them would have finished playing in real time, or never. Owns its timers;
 * {@link close} clears them.
 */
export class FakePlayout {
  #endsAt = 0;
  readonly #pending: Pending[] = [];

  constructor(
    private readonly mode: AckMode,
    private readonly ack: (name: string) => void,
  ) {}

  /** `ms` of audio arrived: it plays after what is already buffered. */
  audio(ms: number): void {
    const now = performance.now();
    this.#endsAt = Math.max(this.#endsAt, now) + ms;
  }

  /** A marker arrived behind the audio received so far. */
  mark(name: string): void {
    if (this.mode === 'never') return;
    if (this.mode === 'immediate') return this.ack(name);
    const entry: Pending = { name, timer: null };
    const delay = Math.max(0, this.#endsAt - performance.now());
    entry.timer = setTimeout(() => {
      const i = this.#pending.indexOf(entry);
      if (i >= 0) this.#pending.splice(i, 1);
      this.ack(name);
    }, delay);
    this.#pending.push(entry);
  }

  /**
   * Buffered audio is dropped. Returns the markers that were still pending, in order, and forgets
   * them (the caller decides whether the provider flushes them back or drops them).
   */
  clear(): string[] {
    this.#endsAt = performance.now();
    const names = this.#pending.map((p) => p.name);
    this.close();
    return names;
  }

  /** Cancels every pending acknowledgement. Idempotent. */
  close(): void {
    for (const p of this.#pending) if (p.timer !== null) clearTimeout(p.timer);
    this.#pending.length = 0;
  }
}
