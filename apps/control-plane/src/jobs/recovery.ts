import { EndReason } from '@vr3/protocol';
import type { ControlPlaneContext } from '../context.ts';
import { failActiveRuns } from '../db/runs.ts';
import { reconcileUsage } from '../db/usage.ts';
import { enqueueProviderAction } from './provider-actions.ts';

/** Options of {@link recoverAtStart}. */
export interface RecoveryOptions {
  /**
   * Every live run in the database was held by an edge of a process that is gone (the embedded
   * product holds its data dir exclusively): end them all now.
   */
  endLiveRuns: boolean;
}

/**
 * Start-up recovery of a control-plane: with `endLiveRuns`, ends the runs a crashed process left
 * live (`failed`/`edge_lost`, ended at their edge's last heartbeat) and queues a provider hangup
 * for each call that was running — its caller may still be on the line; then rewrites every
 * user's quota counters from the runs table.
 */
export async function recoverAtStart(ctx: ControlPlaneContext, options: RecoveryOptions): Promise<void> {
  const log = ctx.logger.child({ component: 'recovery' });
  if (options.endLiveRuns) {
    const ended = await failActiveRuns(ctx.prisma, { endReason: EndReason.EdgeLost, error: 'edge lost: the process holding the call stopped' });
    const started = ended.filter((run) => run.started);
    for (const run of started) await enqueueProviderAction(ctx, { runId: run.id, action: 'hangup', source: 'control-plane' });
    if (ended.length > 0) log.warn({ runs: ended.length, hangups: started.length }, 'ended runs left live by a previous process');
  }
  const drifts = await reconcileUsage(ctx.prisma);
  for (const drift of drifts) {
    log.warn(
      { user_id: drift.userId, active_calls: [drift.activeCallsBefore, drift.activeCalls], period_seconds: [drift.periodSecondsBefore, drift.periodSeconds] },
      'quota counters reconciled',
    );
  }
}
