import { EndReason, RunState } from '@vr3/protocol';
import { z } from 'zod';
import type { ControlPlaneContext } from '../context.ts';
import { findLostRuns, findStaleInitializedRuns, pruneEdges } from '../edges/heartbeats.ts';
import { finalizeRun } from '../db/runs.ts';
import { announceRun } from '../live/feed.ts';
import { findUsageDrift, reconcileUsage } from '../db/usage.ts';
import { enqueueProviderAction } from './provider-actions.ts';

/** Job names of run housekeeping. */
export const RunJob = {
  /** Repeatable: finds runs left `initialized` and live runs whose edge is lost, and queues their finalization. */
  Reap: 'runs.reap',
  /** Ends one run `failed` with the given reason (idempotent: the first terminal write wins). */
  Finalize: 'run.finalize',
} as const;

/** Liveness facts the app knows and the reaper needs. */
export interface EdgeLiveness {
  /**
   * `Date.now()` since when this replica has continuously received heartbeats (its bus start or
   * latest reconnect). Until `edgeLostAfterMs` has passed since then, its reaper ends nothing:
   * silence it could not have heard is not an edge's silence.
   */
  observedSince(): number;
}

const FinalizeData = z.object({
  run_id: z.string(),
  end_reason: z.enum([EndReason.EdgeLost, EndReason.HandshakeTimeout]),
  error: z.string(),
  /** When the run ended as far as anyone knows (ISO 8601); now when absent. */
  ended_at: z.string().datetime().optional(),
  /** The provider may still hold the call: queue a provider hangup once the run is ended. */
  hangup: z.boolean().optional(),
});

/**
 * Rewrites the quota counters of users whose counters disagree with their runs (a run deleted with
 * its agent, a manual edit): admission and finalize change counters and runs in one statement, so a
 * disagreement is never a transient one.
 */
async function reconcileDriftedUsage(ctx: ControlPlaneContext, log: ControlPlaneContext['logger']): Promise<void> {
  const userIds = await findUsageDrift(ctx.prisma);
  if (userIds.length === 0) return;
  for (const drift of await reconcileUsage(ctx.prisma, { userIds })) {
    log.warn({ user_id: drift.userId, active_calls: [drift.activeCallsBefore, drift.activeCalls], period_seconds: [drift.periodSecondsBefore, drift.periodSeconds] }, 'quota counters reconciled');
  }
}

/** Runs ended per reaper pass at most (the next pass takes the rest). */
const REAP_BATCH = 500;
/** Edge rows are forgotten after a day of silence. */
const EDGE_RETENTION_MS = 24 * 3_600_000;

/**
 * Registers the stale-run reaper: every `reaperIntervalMs` one replica of the fleet queues a
 * `run.finalize` job (which frees the run's quota slot) for
 * - each run still `initialized` `initializedRunTimeoutMs` after it was minted (`failed`/
 *   `handshake_timeout`): no edge is still handshaking it — heartbeats play no part, so this
 *   sweep needs no observation window;
 * - each live run whose edge has been silent longer than `edgeLostAfterMs` (or never heart-beat,
 *   or stopped listing the run): `failed`/`edge_lost`, once this replica observed heartbeats that long.
 */
export async function registerReaperJobs(ctx: ControlPlaneContext, liveness: EdgeLiveness): Promise<void> {
  const { edgeLostAfterMs, reaperIntervalMs, initializedRunTimeoutMs, providerActionAttempts, providerActionBackoffMs } = ctx.config;
  const log = ctx.logger.child({ component: 'reaper' });
  const finalizeLater = (data: z.infer<typeof FinalizeData>) =>
    ctx.jobs.enqueue(RunJob.Finalize, data, { jobId: `${RunJob.Finalize}:${data.run_id}`, attempts: providerActionAttempts, backoffMs: providerActionBackoffMs });
  ctx.jobs.process(RunJob.Reap, async () => {
    const stale = await findStaleInitializedRuns(ctx.prisma, initializedRunTimeoutMs, REAP_BATCH);
    for (const run of stale) {
      await finalizeLater({ run_id: run.id, end_reason: EndReason.HandshakeTimeout, error: `never started: initialized longer than ${initializedRunTimeoutMs} ms` });
    }
    if (stale.length > 0) log.warn({ runs: stale.length, edges: [...new Set(stale.map((r) => r.edgeId))] }, 'runs left initialized queued for finalization');
    const observedMs = Date.now() - liveness.observedSince();
    if (observedMs < edgeLostAfterMs) {
      log.debug({ observed_ms: observedMs }, 'reaper waits: heartbeats not observed for long enough');
      return;
    }
    const lost = await findLostRuns(ctx.prisma, edgeLostAfterMs, REAP_BATCH);
    const queued = new Set(stale.map((r) => r.id));
    for (const run of lost) {
      if (queued.has(run.id)) continue;
      await finalizeLater({
        run_id: run.id,
        end_reason: EndReason.EdgeLost,
        error: `edge lost: ${run.cause}`,
        ended_at: run.lastKnownAt.toISOString(),
        hangup: run.started,
      });
    }
    if (lost.length > 0) log.warn({ runs: lost.length, edges: [...new Set(lost.map((r) => r.edgeId))] }, 'runs of lost edges queued for finalization');
    await pruneEdges(ctx.prisma, EDGE_RETENTION_MS);
    await reconcileDriftedUsage(ctx, log);
  });
  ctx.jobs.process(RunJob.Finalize, async (raw) => {
    const data = FinalizeData.parse(raw);
    const result = await finalizeRun(ctx.prisma, {
      runId: data.run_id,
      state: RunState.Failed,
      endReason: data.end_reason,
      error: data.error,
      ...(data.ended_at === undefined ? {} : { endedAt: new Date(data.ended_at) }),
    });
    if (!result.changed) return;
    log.warn({ run_id: data.run_id, end_reason: data.end_reason }, 'run ended by the reaper');
    announceRun(ctx, data.run_id);
    // Its edge is gone: nobody else will tell the provider, and the caller may be on a dead line.
    if (data.hangup) await enqueueProviderAction(ctx, { runId: data.run_id, action: 'hangup', source: 'control-plane' });
  });
  await ctx.jobs.schedule(RunJob.Reap, { everyMs: reaperIntervalMs });
}
