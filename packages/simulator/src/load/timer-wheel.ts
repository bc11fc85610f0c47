import type { TickClock } from './tick-clock.ts';

/**
 * Calls spread over one frame period in slots of one clock tick each: a call sits in the slot of
 * its send time, so every tick visits only the calls due then and the load stays even.
 */
export class TimerWheel<T> {
  readonly #slots: T[][];

  constructor(
    private readonly clock: TickClock,
    slotCount: number,
  ) {
    this.#slots = Array.from({ length: slotCount }, () => []);
  }

  /** Puts `item` in the slot of time `at` (performance.now() ms, from the clock's epoch on). */
  add(item: T, at: number): void {
    this.#slots[Math.floor((at - this.clock.epoch) / this.clock.tickMs) % this.#slots.length]!.push(item);
  }

  /**
   * Visits the items of the slots of ticks `first`…`last` (each slot once, however late the
   * clock); an item for which `visit` returns false leaves the wheel.
   */
  sweep(first: number, last: number, visit: (item: T) => boolean): void {
    const n = this.#slots.length;
    const span = Math.min(last - first + 1, n);
    for (let t = last - span + 1; t <= last; t++) {
      const slot = this.#slots[(((t - 1) % n) + n) % n]!;
      let keep = 0;
      for (let i = 0; i < slot.length; i++) {
        const item = slot[i]!;
        if (visit(item)) slot[keep++] = item;
      }
      slot.length = keep;
    }
  }
}
