import type { MediaStats, RunClose } from '@vr3/protocol';
import type { Logger } from 'pino';
import type { CallOutcome } from '../errors.ts';
import type { ControlPlaneClient } from './control-plane.ts';

/**
 * Finalizes one run exactly once. The request goes out when both halves are known — the call's
 * outcome ({@link decide}) and the admission result ({@link admissionSettled}) — in either order:
 * a stream can end while its admission is still in flight, and the run it mints must still end.
 * Without a run (admission refused or failed) there is nothing to finalize.
 */
export class RunFinalizer {
  /** Resolves once the finalize was acknowledged, given up on, or not needed. Never rejects. */
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private outcome: { outcome: CallOutcome; close: RunClose | null } | null = null;
  private admission: { runId: string | null } | null = null;
  private sent = false;

  constructor(
    private readonly controlPlane: ControlPlaneClient,
    private readonly stats: () => MediaStats,
    private readonly log: () => Logger,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** The admission answered (`runId` of the minted run) or failed (`null`). First call wins. */
  admissionSettled(runId: string | null): void {
    this.admission ??= { runId };
    this.maybeSend();
  }

  /** The call's outcome, and how its socket closed (null: unknown). First call wins. */
  decide(outcome: CallOutcome, close: RunClose | null = null): void {
    this.outcome ??= { outcome, close };
    this.maybeSend();
  }

  private maybeSend(): void {
    const { outcome, admission } = this;
    if (this.sent || !outcome || !admission) return;
    this.sent = true;
    if (admission.runId === null) return this.resolveDone();
    void this.controlPlane.finalize(admission.runId, outcome.outcome, this.stats(), outcome.close).then((ok) => {
      if (!ok) this.log().error('run finalize failed; the control-plane reaper will end the run');
      this.resolveDone();
    });
  }
}
