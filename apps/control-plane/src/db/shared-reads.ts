/**
 * Concurrent identical reads share one statement: a read asked for while the same read (same key)
 * is in flight gets that statement's answer instead of sending its own. In a burst of calls to
 * one agent, every admission needs the same agent row; sharing the read takes a statement per call
 * off the connection pool. What a caller gets is what the database held when the shared statement
 * ran, at most one round trip before the caller asked, as if it had asked a moment earlier. A
 * failure reaches every caller sharing it; the next read after a settled one runs its own statement.
 * The answer is shared as is: callers must not change it.
 */
export class SharedReads<T> {
  readonly #inFlight = new Map<string, Promise<T>>();

  /** The answer of the read `key` in flight, else of `load()`, which the later callers of `key` share until it settles. */
  read(key: string, load: () => Promise<T>): Promise<T> {
    const pending = this.#inFlight.get(key);
    if (pending) return pending;
    const started = load().finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, started);
    return started;
  }

  /** Reads in flight. */
  get size(): number {
    return this.#inFlight.size;
  }
}
