import type { RunRecordingRequest } from '@vr3/protocol';
import type { Db } from '../db/prisma.ts';

/** A run's recording as the REST API shows it, or `null` when it has none (or it was deleted). */
export interface RunRecordingView {
  url: string;
  bytes: number;
  duration_ms: number;
  channels: number;
  sample_rate: number;
  stored_at: string;
}

/** The recording columns of a run. */
export interface RunRecordingColumns {
  id: string;
  recordingKey: string | null;
  recordingBytes: bigint | null;
  recordingDurationMs: number | null;
  recordingChannels: number | null;
  recordingSampleRate: number | null;
  recordingStoredAt: Date | null;
  recordingDeletedAt: Date | null;
}

/** The REST shape of a run's recording ({@link RunRecordingView}). */
export function recordingView(run: RunRecordingColumns): RunRecordingView | null {
  if (run.recordingKey === null || run.recordingDeletedAt !== null || run.recordingStoredAt === null) return null;
  return {
    url: `/api/v1/runs/${run.id}/recording`,
    bytes: Number(run.recordingBytes ?? 0),
    duration_ms: run.recordingDurationMs ?? 0,
    channels: run.recordingChannels ?? 0,
    sample_rate: run.recordingSampleRate ?? 0,
    stored_at: run.recordingStoredAt.toISOString(),
  };
}

/** Records a stored recording on its run (a repeat rewrites the same values). False when there is no such run. */
export async function recordRecording(prisma: Db, req: RunRecordingRequest): Promise<boolean> {
  const { count } = await prisma.workflowRun.updateMany({
    where: { id: req.run_id },
    data: {
      recordingKey: req.key,
      recordingBytes: BigInt(req.bytes),
      recordingDurationMs: req.duration_ms,
      recordingChannels: req.channels,
      recordingSampleRate: req.sample_rate,
      recordingStoredAt: new Date(),
      recordingDeletedAt: null,
    },
  });
  return count > 0;
}

/** Runs whose recording was stored before `before` and is still kept, oldest first. */
export function findExpiredRecordings(prisma: Db, before: Date, limit: number): Promise<Array<{ id: string; recordingKey: string | null }>> {
  return prisma.workflowRun.findMany({
    where: { recordingKey: { not: null }, recordingDeletedAt: null, recordingStoredAt: { lt: before } },
    select: { id: true, recordingKey: true },
    orderBy: { recordingStoredAt: 'asc' },
    take: limit,
  });
}

/** The run's recording is gone from the store. */
export async function markRecordingDeleted(prisma: Db, runId: string): Promise<void> {
  await prisma.workflowRun.updateMany({ where: { id: runId, recordingDeletedAt: null }, data: { recordingDeletedAt: new Date() } });
}
