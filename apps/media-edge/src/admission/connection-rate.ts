import { TokenBucket } from './token-bucket.ts';

/**
 * New connections per source address: a {@link TokenBucket} per address (`burst` connections at
 * once, `ratePerSecond` sustained). Buckets that have refilled are forgotten on a sweep, at most
 * once per refill period, so the map holds only the addresses that connected within the last
 * `burst / ratePerSecond` seconds.
 */
export class ConnectionRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  /** How long an emptied bucket takes to refill: after it, an idle address's bucket is forgotten. */
  private readonly refillMs: number;
  private lastSweep: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.refillMs = (burst / ratePerSecond) * 1000;
    this.lastSweep = now();
  }

  /** Addresses with a bucket (connected within the last refill period). */
  get tracked(): number {
    return this.buckets.size;
  }

  /** Counts a new connection from `address`; false when the address is over its rate (nothing counted). */
  admit(address: string): boolean {
    const now = this.now();
    this.sweep(now);
    let bucket = this.buckets.get(address);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.ratePerSecond, this.burst, now);
      this.buckets.set(address, bucket);
    }
    return bucket.take(now);
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.refillMs) return;
    this.lastSweep = now;
    for (const [address, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(address);
  }
}
