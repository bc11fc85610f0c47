/**
 * The timer functions of this package's clocks ({@link PlayoutMeter}, {@link SilenceWatch}):
 * injectable, so tests fire them by hand; the global ones by default.
 */

/** `setTimeout` / `clearTimeout`, as a clock of this package uses them. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The global timers. */
export const GLOBAL_TIMERS: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
