import { describe, expect, it } from 'vitest';
import { SignInLimiter } from './sign-in-limiter.ts';

describe('SignInLimiter', () => {
  const clock = () => {
    let now = 1_000_000;
    return { now: () => now, advance: (ms: number) => void (now += ms) };
  };

  it('locks a pair after maxFailures within the window, until the window ends', () => {
    const c = clock();
    const limiter = new SignInLimiter({ maxFailures: 3, windowMs: 60_000, now: c.now });
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfterMs('a@x', '1.2.3.4')).toBe(0);
      limiter.fail('a@x', '1.2.3.4');
      c.advance(1_000);
    }
    expect(limiter.retryAfterMs('a@x', '1.2.3.4')).toBe(57_000);
    expect(limiter.retryAfterMs('a@x', '5.6.7.8')).toBe(0);
    expect(limiter.retryAfterMs('b@x', '1.2.3.4')).toBe(0);
    c.advance(57_000);
    expect(limiter.retryAfterMs('a@x', '1.2.3.4')).toBe(0);
  });

  it('a success clears the pair', () => {
    const c = clock();
    const limiter = new SignInLimiter({ maxFailures: 2, windowMs: 60_000, now: c.now });
    limiter.fail('a@x', 'ip');
    limiter.succeed('a@x', 'ip');
    limiter.fail('a@x', 'ip');
    expect(limiter.retryAfterMs('a@x', 'ip')).toBe(0);
    limiter.fail('a@x', 'ip');
    expect(limiter.retryAfterMs('a@x', 'ip')).toBeGreaterThan(0);
  });

  it('tracks at most maxEntries pairs, forgetting the oldest', () => {
    const c = clock();
    const limiter = new SignInLimiter({ maxFailures: 1, windowMs: 60_000, maxEntries: 2, now: c.now });
    limiter.fail('a', 'ip');
    limiter.fail('b', 'ip');
    limiter.fail('c', 'ip');
    expect(limiter.retryAfterMs('a', 'ip')).toBe(0);
    expect(limiter.retryAfterMs('b', 'ip')).toBeGreaterThan(0);
    expect(limiter.retryAfterMs('c', 'ip')).toBeGreaterThan(0);
  });
});
