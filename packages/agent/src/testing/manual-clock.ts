import type { Timers } from '../timers.ts';

/**
 * Timers and a clock the test moves by hand: {@link advance} runs every timer due by then, in
 * order of its due time (the clock reads that time while it runs). Inject `timers` and `now`.
 */
export class ManualClock {
  #at = 0;
  #next = 0;
  readonly #armed = new Map<number, { fn: () => void; due: number }>();

  readonly timers: Timers = {
    setTimeout: (fn, ms) => {
      this.#armed.set(++this.#next, { fn, due: this.#at + Math.max(0, ms) });
      return this.#next;
    },
    clearTimeout: (handle) => void this.#armed.delete(handle as number),
  };

  /** The clock, in ms since it was made. */
  readonly now = (): number => this.#at;

  /** How long until each armed timer is due, ms, ascending. */
  pending(): number[] {
    return [...this.#armed.values()].map((t) => t.due - this.#at).sort((a, b) => a - b);
  }

  /** Moves the clock `ms` on, running every timer due by then (including ones they arm). */
  advance(ms: number): void {
    const until = this.#at + ms;
    for (;;) {
      let first: [number, { fn: () => void; due: number }] | undefined;
      for (const entry of this.#armed) if (entry[1].due <= until && (first === undefined || entry[1].due < first[1].due)) first = entry;
      if (first === undefined) break;
      this.#armed.delete(first[0]);
      this.#at = first[1].due;
      first[1].fn();
    }
    this.#at = until;
  }
}
