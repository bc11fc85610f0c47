import { Counter, Gauge, Registry } from 'prom-client';

/** How a `StreamAdmit` ended on this replica (the `outcome` label of `vr3_control_plane_admissions_total`). */
export type AdmissionOutcome =
  /** A run was minted and handed to the edge. */
  | 'admitted'
  /** Refused for the caller's reasons: unknown agent, quota, configuration (the stream error code is logged). */
  | 'refused'
  /** More admissions were in flight on this replica than `maxPendingAdmissions`: refused at once, nothing minted. */
  | 'overloaded'
  /** The edge's wait was over before a run was minted: nothing minted. */
  | 'expired'
  /** The run was minted after the edge's wait was over: ended at once, its slot given back. */
  | 'abandoned';

/**
 * Bounds the `StreamAdmit` requests this replica handles at once. Past the bound a new one is
 * refused `overloaded` (the edge closes 1013) instead of waiting in line for the database until
 * the edge's timeout turns it into a 1011; counted in `vr3_control_plane_admissions_total`.
 */
export class AdmissionGate {
  private inFlight = 0;
  private readonly outcomes: Counter<'outcome'>;
  private readonly pending: Gauge;

  constructor(
    private readonly maxPending: number,
    registry: Registry = new Registry(),
  ) {
    const registers = [registry];
    this.outcomes =
      (registry.getSingleMetric('vr3_control_plane_admissions_total') as Counter<'outcome'> | undefined) ??
      new Counter({ name: 'vr3_control_plane_admissions_total', help: 'Stream admissions answered by this replica, by outcome', labelNames: ['outcome'] as const, registers });
    this.pending =
      (registry.getSingleMetric('vr3_control_plane_admissions_in_flight') as Gauge | undefined) ??
      new Gauge({ name: 'vr3_control_plane_admissions_in_flight', help: 'Stream admissions being handled by this replica', registers });
  }

  /** Admissions being handled now. */
  get size(): number {
    return this.inFlight;
  }

  /** Takes a place; `false` (counted `overloaded`) when the bound is reached. Pair a `true` with {@link leave}. */
  enter(): boolean {
    if (this.inFlight >= this.maxPending) {
      this.outcomes.inc({ outcome: 'overloaded' });
      return false;
    }
    this.inFlight++;
    this.pending.set(this.inFlight);
    return true;
  }

  /** Gives the place back, recording how the admission ended. */
  leave(outcome: Exclude<AdmissionOutcome, 'overloaded'>): void {
    this.inFlight--;
    this.pending.set(this.inFlight);
    this.outcomes.inc({ outcome });
  }
}
