import { randomInt } from 'node:crypto';
import { AGENT_STREAM_RUN_PREFIX, RunState, type EndReason, type MediaStats } from '@vr3/protocol';
import type { Db } from './prisma.ts';

const NAME_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const NAME_SUFFIX_LENGTH = 8;

/** A new run name: `WR-AGS-` + 8 random characters [A-Z0-9]. Uniqueness is enforced by the database. */
export function mintRunName(): string {
  let suffix = '';
  for (let i = 0; i < NAME_SUFFIX_LENGTH; i++) suffix += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
  return `${AGENT_STREAM_RUN_PREFIX}${suffix}`;
}

/** A terminal write to a run. */
export interface FinalizeRunInput {
  runId: string;
  state: typeof RunState.Completed | typeof RunState.Failed;
  endReason: EndReason;
  /** Short, non-sensitive failure description. */
  error?: string | undefined;
  stats?: MediaStats | undefined;
  /**
   * A log entry appended to `logs[key]` in the same write (the provider's own stop reason), so a
   * reader never sees the terminal state without it.
   */
  logEntry?: { key: string; entry: Record<string, unknown> } | undefined;
  /** Defaults to now. */
  endedAt?: Date;
}

/** What {@link finalizeRun} did. */
export interface FinalizeRunResult {
  /** The run exists. */
  found: boolean;
  /** This call moved it to a terminal state; false when it already was terminal (or not found). */
  changed: boolean;
}

/**
 * Ends a run exactly once: a single conditional UPDATE touching only runs still `initialized` or
 * `running`, so concurrent finalizers (edge, API hangup, reaper) cannot overwrite each other.
 * `duration_seconds` is the whole seconds elapsed since `started_at` (truncated); 0 when the run never started.
 */
export async function finalizeRun(prisma: Db, input: FinalizeRunInput): Promise<FinalizeRunResult> {
  const endedAt = input.endedAt ?? new Date();
  const s = input.stats;
  const logKey = input.logEntry?.key ?? null;
  const logEntry = input.logEntry ? JSON.stringify(input.logEntry.entry) : null;
  const changed = await prisma.$executeRaw`
    UPDATE "workflow_runs" SET
      "logs" = CASE WHEN ${logKey}::text IS NULL THEN "logs"
        ELSE jsonb_set("logs", ARRAY[${logKey}::text], COALESCE("logs" -> ${logKey}::text, '[]'::jsonb) || jsonb_build_array(${logEntry}::jsonb)) END,
      "state" = ${input.state}::"RunState",
      "end_reason" = ${input.endReason},
      "error" = ${input.error ?? null},
      "ended_at" = ${endedAt},
      "duration_seconds" = CASE WHEN "started_at" IS NULL THEN 0
        ELSE GREATEST(0, FLOOR(EXTRACT(EPOCH FROM (${endedAt}::timestamp(3) - "started_at"))))::int END,
      "audio_in_ms" = COALESCE(${s ? Math.round(s.audio_in_ms) : null}::int, "audio_in_ms"),
      "audio_out_ms" = COALESCE(${s ? Math.round(s.audio_out_ms) : null}::int, "audio_out_ms"),
      "frames_in" = COALESCE(${s?.frames_in ?? null}::int, "frames_in"),
      "frames_out" = COALESCE(${s?.frames_out ?? null}::int, "frames_out"),
      "frames_dropped" = COALESCE(${s?.frames_dropped ?? null}::int, "frames_dropped")
    WHERE "id" = ${input.runId} AND "state" IN ('initialized', 'running')`;
  if (changed > 0) return { found: true, changed: true };
  const exists = await prisma.workflowRun.count({ where: { id: input.runId } });
  return { found: exists > 0, changed: false };
}

/** Options of {@link failActiveRuns}. */
export interface FailActiveRunsOptions {
  endReason: EndReason;
  /** Only runs held by these edges; all non-terminal runs when omitted. */
  edgeIds?: string[];
  /** Stored in `error`. Default: `"run ended by control-plane: <endReason>"`. */
  error?: string;
}

/**
 * Ends every non-terminal run (optionally only those held by `edgeIds`) as `failed` with
 * `endReason`, freeing their quota slots. For start-up after a crash and for lost edges.
 * Returns how many runs it ended.
 */
export async function failActiveRuns(prisma: Db, options: FailActiveRunsOptions): Promise<number> {
  if (options.edgeIds && options.edgeIds.length === 0) return 0;
  const endedAt = new Date();
  const error = options.error ?? `run ended by control-plane: ${options.endReason}`;
  const byEdge = options.edgeIds !== undefined;
  return prisma.$executeRaw`
    UPDATE "workflow_runs" SET
      "state" = 'failed'::"RunState",
      "end_reason" = ${options.endReason},
      "error" = ${error},
      "ended_at" = ${endedAt},
      "duration_seconds" = CASE WHEN "started_at" IS NULL THEN 0
        ELSE GREATEST(0, FLOOR(EXTRACT(EPOCH FROM (${endedAt}::timestamp(3) - "started_at"))))::int END
    WHERE "state" IN ('initialized', 'running')
      AND (${!byEdge} OR "edge_id" = ANY(${options.edgeIds ?? []}::text[]))`;
}

/** Appends `entry` to the JSON array `logs[key]` of a run, atomically (no read-modify-write). */
export async function appendRunLog(prisma: Db, runId: string, key: string, entry: Record<string, unknown>): Promise<void> {
  await prisma.$executeRaw`
    UPDATE "workflow_runs"
    SET "logs" = jsonb_set("logs", ARRAY[${key}]::text[], COALESCE("logs" -> ${key}, '[]'::jsonb) || jsonb_build_array(${JSON.stringify(entry)}::jsonb))
    WHERE "id" = ${runId}`;
}
