import type { StartingRun } from '../db/starting-run.ts';

/** Most runs held at once; past it the oldest is forgotten (its `RunStart` reads the database). */
const DEFAULT_MAX_RUNS = 4096;

/**
 * The runs this replica minted and has not seen `RunStart` for, as their admission wrote them:
 * `RunStart` takes its run from here instead of reading it back from the database, one statement
 * less per call. Only what admission itself wrote is kept, for runs nobody else writes before
 * their start (inbound streams; an outbound call's run is read from the database). Nothing here
 * decides anything alone: the move to `running` still updates only an `initialized` run, so a run
 * ended meanwhile (reaper, API hangup) is still refused. A run not taken within `ttlMs` (the
 * longest a run is legitimately `initialized`) is forgotten, as is the oldest past `maxRuns`; a
 * `RunStart` on another replica, or after a restart, reads the database as before.
 */
export class AdmittedRuns {
  readonly #runs = new Map<string, { run: StartingRun; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxRuns = DEFAULT_MAX_RUNS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Keeps `run` (just minted, `initialized`) for its `RunStart`. */
  put(run: StartingRun): void {
    const now = this.now();
    this.#forgetExpired(now);
    if (this.#runs.size >= this.maxRuns) {
      const oldest = this.#runs.keys().next();
      if (!oldest.done) this.#runs.delete(oldest.value);
    }
    this.#runs.set(run.id, { run, expiresAt: now + this.ttlMs });
  }

  /** The run `id` as admitted (and forgets it), `undefined` when it is not held or expired. */
  take(id: string): StartingRun | undefined {
    const held = this.#runs.get(id);
    if (!held) return undefined;
    this.#runs.delete(id);
    return held.expiresAt > this.now() ? held.run : undefined;
  }

  /** Forgets the run `id` (its admission was undone). */
  drop(id: string): void {
    this.#runs.delete(id);
  }

  get size(): number {
    return this.#runs.size;
  }

  /** Insertion order is expiry order (one TTL for all): stops at the first run still held. */
  #forgetExpired(now: number): void {
    for (const [id, held] of this.#runs) {
      if (held.expiresAt > now) return;
      this.#runs.delete(id);
    }
  }
}
