/** Options of {@link SignInLimiter}. */
export interface SignInLimiterOptions {
  /** Failed sign-ins of one email from one address allowed per window. */
  maxFailures: number;
  /** The window, counted from its first failure, in milliseconds. */
  windowMs: number;
  /** Email/address pairs tracked at once; past it the oldest pair is forgotten (bounded memory). */
  maxEntries: number;
  /** Clock (tests). */
  now: () => number;
}

/** Defaults of {@link SignInLimiterOptions}: 5 failures per 15 minutes, 10 000 pairs tracked. */
export const DEFAULT_SIGN_IN_LIMITS: Readonly<SignInLimiterOptions> = Object.freeze({
  maxFailures: 5,
  windowMs: 15 * 60_000,
  maxEntries: 10_000,
  now: Date.now,
});

interface Failures {
  count: number;
  since: number;
}

/**
 * Counts failed sign-ins per (email, client address), in this process: once `maxFailures` failed
 * within `windowMs` every further attempt of that pair — right password included — is refused
 * until the window ends. A success clears the pair. Each replica counts its own attempts.
 */
export class SignInLimiter {
  private readonly options: SignInLimiterOptions;
  private readonly failures = new Map<string, Failures>();

  constructor(options: Partial<SignInLimiterOptions> = {}) {
    this.options = { ...DEFAULT_SIGN_IN_LIMITS, ...options };
  }

  private static key(email: string, address: string): string {
    return `${email}\n${address}`;
  }

  /** Milliseconds until the pair may try again, or 0 when it may now. */
  retryAfterMs(email: string, address: string): number {
    const key = SignInLimiter.key(email, address);
    const entry = this.failures.get(key);
    if (!entry) return 0;
    const left = entry.since + this.options.windowMs - this.options.now();
    if (left <= 0) {
      this.failures.delete(key);
      return 0;
    }
    return entry.count >= this.options.maxFailures ? left : 0;
  }

  /** Records a failed attempt of the pair. */
  fail(email: string, address: string): void {
    const key = SignInLimiter.key(email, address);
    const now = this.options.now();
    const entry = this.failures.get(key);
    if (entry && entry.since + this.options.windowMs > now) {
      entry.count += 1;
      return;
    }
    this.failures.delete(key);
    this.failures.set(key, { count: 1, since: now });
    if (this.failures.size > this.options.maxEntries) {
      const oldest = this.failures.keys().next();
      if (!oldest.done) this.failures.delete(oldest.value);
    }
  }

  /** Forgets the pair's failures (a successful sign-in). */
  succeed(email: string, address: string): void {
    this.failures.delete(SignInLimiter.key(email, address));
  }
}
