/**
 * A token bucket over bot messages: `burst` tokens, refilled at `ratePerSecond`, one per message.
 * Timer-free: the bucket is refilled from the clock on each {@link take}. The clock is injectable so
 * tests are deterministic.
 */
export class FrameRateLimiter {
  #tokens: number;
  #last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#tokens = burst;
    this.#last = now();
  }

  /** Takes a token for one message; false when the bucket is empty (the sender is over the cap). */
  take(): boolean {
    const t = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((t - this.#last) * this.ratePerSecond) / 1000);
    this.#last = t;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
