import { RunFinalizeRequestSchema, parseMessage, type RunFinalizeResponse } from '@vr3/protocol';
import type { ControlPlaneContext } from '../context.ts';
import { finalizeRun } from '../db/runs.ts';
import { announceRun } from '../live/feed.ts';

/** `RunFinalize`: the first terminal write wins; later ones answer `already_final: true`. */
export async function handleRunFinalize(ctx: ControlPlaneContext, data: unknown): Promise<RunFinalizeResponse> {
  const req = parseMessage(RunFinalizeRequestSchema, data);
  const result = await finalizeRun(ctx.prisma, {
    runId: req.run_id,
    state: req.state,
    endReason: req.end_reason,
    error: req.error,
    stats: req.stats,
    close: req.close,
    // The provider's own reason for ending the stream (Exotel `stop.reason`), kept beside the end reason.
    logEntry: req.stop_reason === undefined ? undefined : { key: 'stream_events', entry: { event: 'stop', reason: req.stop_reason, at: new Date().toISOString() } },
  });
  ctx.admittedRuns.drop(req.run_id); // ended before its start (refused, abandoned)
  const log = ctx.logger.child({ run_id: req.run_id, edge_id: req.edge_id });
  if (!result.found) log.warn('finalize for an unknown run');
  else if (result.changed) {
    log.info({ state: req.state, end_reason: req.end_reason }, 'run finalized');
    announceRun(ctx, req.run_id);
  }
  return { ok: true, already_final: !result.changed };
}
