/**
 * Records the events a streaming vendor client reports (it is the client's listener) and waits for
 * one that matches — for tests of the clients and of the engines built on them.
 */

/** A listener that keeps every event, in order. */
export class EventRecorder<E> {
  readonly events: E[] = [];
  readonly #waiters = new Set<() => void>();

  /** The listener method: pass the recorder itself as a client's listener. */
  readonly onEvent = (event: E): void => {
    this.events.push(event);
    for (const wake of [...this.#waiters]) wake();
  };

  /** The first recorded event (from index `from`) matching `match`, waiting up to `timeoutMs` for it. */
  async waitFor<T extends E>(match: (event: E) => event is T, timeoutMs?: number, from?: number): Promise<T>;
  async waitFor(match: (event: E) => boolean, timeoutMs?: number, from?: number): Promise<E>;
  async waitFor(match: (event: E) => boolean, timeoutMs = 5000, from = 0): Promise<E> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(from).find(match);
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching event within ${timeoutMs} ms (${this.events.length} recorded)`);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.#waiters.add(wake);
      });
    }
  }
}

/** Resolves after `ms`. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
