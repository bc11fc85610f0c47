import { EndReason, RunState } from '@vr3/protocol';
import { z } from 'zod';
import type { ControlPlaneContext } from '../context.ts';
import { findLostRuns, findStaleInitializedRuns, pruneEdges } from '../edges/heartbeats.ts';
import { finalizeRun } from '../db/runs.ts';

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
});

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
      await finalizeLater({ run_id: run.id, end_reason: EndReason.EdgeLost, error: `edge lost: ${run.cause}` });
    }
    if (lost.length > 0) log.warn({ runs: lost.length, edges: [...new Set(lost.map((r) => r.edgeId))] }, 'runs of lost edges queued for finalization');
    await pruneEdges(ctx.prisma, EDGE_RETENTION_MS);
  });
  ctx.jobs.process(RunJob.Finalize, async (raw) => {
    const data = FinalizeData.parse(raw);
    const result = await finalizeRun(ctx.prisma, { runId: data.run_id, state: RunState.Failed, endReason: data.end_reason, error: data.error });
    if (result.changed) log.warn({ run_id: data.run_id, end_reason: data.end_reason }, 'run ended by the reaper');
  });
  await ctx.jobs.schedule(RunJob.Reap, { everyMs: reaperIntervalMs });
}
