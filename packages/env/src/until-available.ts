/**
 * Start-up against a backing service that may not be up yet (NATS, PostgreSQL): try, and while the
 * failure is one that waiting can cure, say so in the log and try again, instead of failing at once
 * or waiting silently.
 */

/** The logger {@link untilAvailable} writes to (pino's signature). */
export interface AvailabilityLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Options of {@link untilAvailable}. */
export interface UntilAvailableOptions {
  /** What is waited for, in the log: `nats`, `postgresql`. */
  dependency: string;
  /** Where it is expected (host:port, no credentials), in the log. */
  target: string;
  logger: AvailabilityLogger;
  /** Whether waiting may cure this failure (connection refused, server starting). Default: always. */
  retryable?: (err: unknown) => boolean;
  /** First pause between attempts. Default {@link UNTIL_AVAILABLE_DEFAULTS}.initialDelayMs. */
  initialDelayMs?: number;
  /** Longest pause between attempts (the pause doubles up to it). Default {@link UNTIL_AVAILABLE_DEFAULTS}.maxDelayMs. */
  maxDelayMs?: number;
  /** Stops waiting: the pending pause ends and the last failure is thrown. */
  signal?: AbortSignal;
}

/** Defaults of {@link UntilAvailableOptions}. */
export const UNTIL_AVAILABLE_DEFAULTS = Object.freeze({
  /** 500 ms: a service started alongside usually answers within a second. */
  initialDelayMs: 500,
  /** 5 s: one log line per 5 s at most while a service stays away. */
  maxDelayMs: 5_000,
});

/** The error's `code` and message, for the log (never its stack: this is an expected condition). */
function brief(err: unknown): { code?: string; message: string } {
  const e = err as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return typeof e?.code === 'string' ? { code: e.code, message } : { message };
}

/**
 * Resolves with `attempt()`'s result. A failure `retryable` accepts is logged at `warn`
 * (`dependency unavailable, retrying`, with the dependency, target, attempt number and the pause)
 * and retried after a pause that doubles from `initialDelayMs` to `maxDelayMs`; once an attempt
 * succeeds after failures, `dependency available` is logged at `info`. Any other failure, or an
 * abort, rejects with that failure.
 */
export async function untilAvailable<T>(attempt: () => Promise<T>, options: UntilAvailableOptions): Promise<T> {
  const maxDelayMs = options.maxDelayMs ?? UNTIL_AVAILABLE_DEFAULTS.maxDelayMs;
  let delayMs = Math.min(options.initialDelayMs ?? UNTIL_AVAILABLE_DEFAULTS.initialDelayMs, maxDelayMs);
  const fields = { dependency: options.dependency, target: options.target };
  for (let n = 1; ; n += 1) {
    try {
      const result = await attempt();
      if (n > 1) options.logger.info({ ...fields, attempts: n }, 'dependency available');
      return result;
    } catch (err) {
      if (options.signal?.aborted || !(options.retryable?.(err) ?? true)) throw err;
      options.logger.warn({ ...fields, attempt: n, retry_in_ms: delayMs, error: brief(err) }, 'dependency unavailable, retrying');
      const woke = await pause(delayMs, options.signal);
      if (!woke) throw err;
      delayMs = Math.min(delayMs * 2, maxDelayMs);
    }
  }
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. The timer is always cleared. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Error codes of failures to reach a server over TCP that waiting may cure. */
const CONNECT_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EPIPE']);

/**
 * True when `err` or an error in its `cause` chain (or an `AggregateError`'s `errors`) is a TCP
 * connection failure waiting may cure ({@link CONNECT_ERROR_CODES}), or one of `extraCodes`.
 */
export function isConnectionFailure(err: unknown, extraCodes: readonly string[] = []): boolean {
  const seen = new Set<unknown>();
  const visit = (e: unknown): boolean => {
    if (e === null || typeof e !== 'object' || seen.has(e)) return false;
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (CONNECT_ERROR_CODES.has(code) || extraCodes.includes(code))) return true;
    if (e instanceof AggregateError && e.errors.some(visit)) return true;
    return visit((e as { cause?: unknown }).cause);
  };
  return visit(err);
}

/** `scheme://user:pass@host:port/path?query` → `host:port` (bare `host:port` kept): a target for the log, without credentials. */
export function hostOf(url: string): string {
  const bare = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  return bare.replace(/^[^@/]*@/, '').replace(/[/?#].*$/, '');
}
