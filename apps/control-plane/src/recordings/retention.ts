import type { ControlPlaneContext } from '../context.ts';
import { findExpiredRecordings, markRecordingDeleted } from './run-recordings.ts';

/** Job names of recording housekeeping. */
export const RecordingJob = {
  /** Repeatable: deletes recordings older than the retention period. */
  Sweep: 'recordings.sweep',
} as const;

/** Recordings deleted per sweep at most (the next sweep takes the rest). */
const SWEEP_BATCH = 500;

/**
 * Registers the retention sweep (when recordings are stored and kept for a limited time): every
 * `recordingSweepIntervalMs` one replica of the fleet deletes from the store each recording stored
 * more than `recordingRetentionDays` ago and marks its run (`recording_deleted_at`). A deletion that
 * fails is left for the next sweep.
 */
export async function registerRecordingJobs(ctx: ControlPlaneContext): Promise<void> {
  const store = ctx.recordings;
  const { recordingRetentionDays: days, recordingSweepIntervalMs } = ctx.config;
  if (store === null || days <= 0) return;
  const log = ctx.logger.child({ component: 'recordings' });
  ctx.jobs.process(RecordingJob.Sweep, async () => {
    const expired = await findExpiredRecordings(ctx.prisma, new Date(Date.now() - days * 86_400_000), SWEEP_BATCH);
    let deleted = 0;
    for (const run of expired) {
      try {
        if (run.recordingKey !== null) await store.delete(run.recordingKey);
        await markRecordingDeleted(ctx.prisma, run.id);
        deleted++;
      } catch (err) {
        log.warn({ run_id: run.id, code: (err as { code?: unknown }).code }, 'expired recording not deleted yet');
      }
    }
    if (deleted > 0) log.info({ recordings: deleted, retention_days: days }, 'expired recordings deleted');
  });
  await ctx.jobs.schedule(RecordingJob.Sweep, { everyMs: recordingSweepIntervalMs });
}
