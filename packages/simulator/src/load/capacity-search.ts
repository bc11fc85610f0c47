/**
 * Capacity search: the largest number of concurrent calls for which a load step passes (no failed
 * call, no lost frame, p99 echo latency under the limit). Doubles from `start` until a step fails
 * (or `max` passes), then bisects between the last pass and the first fail until they are within
 * `resolution` (a fraction of the pass) or `maxSteps` steps were run. Every step is a fresh set of
 * calls: ramp, settle, window, hang up.
 */

/** Options of {@link findCapacity}. */
export interface SearchOptions {
  start: number;
  max: number;
  /** Stop when (fail − pass) ≤ max(minGap, resolution × pass). */
  resolution: number;
  minGap: number;
  maxSteps: number;
}

/** What the search found. */
export interface SearchResult<S> {
  /** Largest passing call count (0 when none passed). */
  capacity: number;
  /** Smallest failing call count (null when none failed: the capacity is at least `max`). */
  firstFail: number | null;
  steps: S[];
}

export async function findCapacity<S extends { calls: number; pass: boolean }>(runStep: (calls: number) => Promise<S>, o: SearchOptions): Promise<SearchResult<S>> {
  const steps: S[] = [];
  let pass = 0;
  let fail: number | null = null;
  let n = Math.max(1, Math.min(o.start, o.max));
  while (steps.length < o.maxSteps) {
    const step = await runStep(n);
    steps.push(step);
    if (step.pass) {
      pass = Math.max(pass, n);
      if (fail === null) {
        if (n >= o.max) break;
        n = Math.min(n * 2, o.max);
        continue;
      }
    } else {
      fail = fail === null ? n : Math.min(fail, n);
      if (pass === 0 && n <= 1) break;
    }
    if (fail !== null && fail - pass <= Math.max(o.minGap, o.resolution * pass)) break;
    n = pass === 0 ? Math.max(1, Math.floor(fail! / 2)) : Math.floor((pass + fail!) / 2);
    if (n <= pass || (fail !== null && n >= fail)) break;
  }
  return { capacity: pass, firstFail: fail, steps };
}
