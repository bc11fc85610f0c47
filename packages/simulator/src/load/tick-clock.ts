/**
 * One drift-free clock for the whole load generator: tick k fires at `epoch + k × tickMs`
 * (scheduled from the epoch, never chained from the previous firing), so lateness never accumulates.
 * A late firing reports every tick it covers at once.
 */
export class TickClock {
  readonly tickMs: number;
  #epoch = 0;
  #done = 0;
  #timer: NodeJS.Timeout | null = null;
  #onTicks: ((firstTick: number, lastTick: number, now: number) => void) | null = null;
  readonly #fire = (): void => this.#run();

  constructor(tickMs: number) {
    this.tickMs = tickMs;
  }

  /** Time of tick 0 (performance.now() ms). */
  get epoch(): number {
    return this.#epoch;
  }

  /** Starts ticking; `onTicks(first, last, now)` gets each batch of due ticks (usually one). */
  start(onTicks: (firstTick: number, lastTick: number, now: number) => void): void {
    this.stop();
    this.#onTicks = onTicks;
    this.#epoch = performance.now();
    this.#done = 0;
    this.#timer = setTimeout(this.#fire, this.tickMs);
  }

  stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#onTicks = null;
  }

  #run(): void {
    this.#timer = null;
    const now = performance.now();
    const due = Math.floor((now - this.#epoch) / this.tickMs);
    if (due > this.#done) {
      const first = this.#done + 1;
      this.#done = due;
      this.#onTicks?.(first, due, now);
    }
    if (this.#onTicks === null) return;
    const next = this.#epoch + (this.#done + 1) * this.tickMs;
    this.#timer = setTimeout(this.#fire, Math.max(0, next - performance.now()));
  }
}
