import { describe, expect, it } from 'vitest';
import { FrameRateLimiter } from './frame-rate-limiter.ts';

describe('FrameRateLimiter', () => {
  it('allows a burst, then the sustained rate, refilled from the clock', () => {
    let now = 0;
    const limiter = new FrameRateLimiter(100, 5, () => now);
    for (let i = 0; i < 5; i++) expect(limiter.take()).toBe(true);
    expect(limiter.take()).toBe(false);
    now += 10; // one token at 100/s
    expect(limiter.take()).toBe(true);
    expect(limiter.take()).toBe(false);
    now += 10_000; // refills to the burst, no further
    for (let i = 0; i < 5; i++) expect(limiter.take()).toBe(true);
    expect(limiter.take()).toBe(false);
  });

  it('a steady sender at the rate is never cut off', () => {
    let now = 0;
    const limiter = new FrameRateLimiter(50, 1, () => now);
    for (let i = 0; i < 1000; i++, now += 20) expect(limiter.take()).toBe(true);
  });
});
