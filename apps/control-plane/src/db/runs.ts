import { randomInt } from 'node:crypto';
import { AGENT_STREAM_RUN_PREFIX, type RunState, type EndReason, type MediaStats, type RunClose } from '@vr3/protocol';
import { poolOf, type Db } from './prisma.ts';
import { query, sql } from './sql.ts';

const NAME_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const NAME_SUFFIX_LENGTH = 8;

/** A new run name: `WR-AGS-` + 8 random characters [A-Z0-9]. Uniqueness is enforced by the database. */
export function mintRunName(): string {
  let suffix = '';
  for (let i = 0; i < NAME_SUFFIX_LENGTH; i++) suffix += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
  return `${AGENT_STREAM_RUN_PREFIX}${suffix}`;
}

/**
 * The statement fragment that gives the slots of the runs in the CTE `ended` back to their users'
 * counters and settles their seconds into the period they were created in, in the statement that
 * ended them: a run is never terminal with its slot still counted.
 */
const RELEASE_SLOTS = sql`
      UPDATE "user_usage" u SET
        "active_calls" = GREATEST(0, u."active_calls"
          - (SELECT count(*) FILTER (WHERE e."quota_held") FROM ended e WHERE e."user_id" = u."user_id")::int),
        "period_seconds" = u."period_seconds"
          + (SELECT COALESCE(sum(e."duration_seconds") FILTER (WHERE date_trunc('month', e."created_at") = u."period_start"), 0)
             FROM ended e WHERE e."user_id" = u."user_id")::int
      WHERE u."user_id" IN (SELECT "user_id" FROM ended)
      RETURNING 1`;

/** A terminal write to a run. */
export interface FinalizeRunInput {
  runId: string;
  state: typeof RunState.Completed | typeof RunState.Failed;
  endReason: EndReason;
  /** Short, non-sensitive failure description. */
  error?: string | undefined;
  stats?: MediaStats | undefined;
  /**
   * How the provider's socket closed (the edge's finalize); the run keeps null without it. Recorded
   * on a run another path already ended (a start the control-plane refused, an API hangup no edge
   * answered) too, once: the first close recorded stays.
   */
  close?: RunClose | undefined;
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
  const byReason = s?.frames_dropped_by_reason ? JSON.stringify(s.frames_dropped_by_reason) : null;
  const rows = await query<{ changed: number }>(
    poolOf(prisma),
    sql`
    WITH ended AS (
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
        "frames_dropped" = COALESCE(${s?.frames_dropped ?? null}::int, "frames_dropped"),
        "frames_dropped_by_reason" = COALESCE(${byReason}::jsonb, "frames_dropped_by_reason"),
        "close_code" = ${input.close?.code ?? null}::int,
        "close_reason" = ${input.close?.reason ?? null}::text,
        "close_initiator" = ${input.close?.initiator ?? null}::text
      WHERE "id" = ${input.runId} AND "state" IN ('initialized', 'running')
      RETURNING "user_id", "quota_held", "created_at", "duration_seconds"
    ), released AS (
      ${RELEASE_SLOTS}
    )
    SELECT count(*)::int AS "changed" FROM ended`,
  );
  const changed = rows[0]?.changed ?? 0;
  if (changed > 0) return { found: true, changed: true };
  if (input.close) {
    await query(
      poolOf(prisma),
      sql`UPDATE "workflow_runs" SET "close_code" = ${input.close.code}::int, "close_reason" = ${input.close.reason}::text, "close_initiator" = ${input.close.initiator}::text
          WHERE "id" = ${input.runId} AND "state" IN ('completed', 'failed') AND "close_code" IS NULL`,
    );
  }
  const exists = await query(poolOf(prisma), sql`SELECT 1 FROM "workflow_runs" WHERE "id" = ${input.runId}`);
  return { found: exists.length > 0, changed: false };
}

/** Options of {@link failActiveRuns}. */
export interface FailActiveRunsOptions {
  endReason: EndReason;
  /** Only runs held by these edges; all non-terminal runs when omitted. */
  edgeIds?: string[];
  /** Stored in `error`. Default: `"run ended by control-plane: <endReason>"`. */
  error?: string;
}

/** A run {@link failActiveRuns} ended. */
export interface EndedRun {
  id: string;
  /** It was `running`: the provider may still hold the call. */
  started: boolean;
}

/**
 * Ends every non-terminal run (optionally only those held by `edgeIds`) as `failed` with
 * `endReason`, giving their quota slots back. For start-up after a crash: the edges that held them
 * are gone, so each run ends at its last known moment — its edge's last heartbeat, or its start
 * (or creation) when that is later — never at the time of this call.
 */
export async function failActiveRuns(prisma: Db, options: FailActiveRunsOptions): Promise<EndedRun[]> {
  if (options.edgeIds && options.edgeIds.length === 0) return [];
  const error = options.error ?? `run ended by control-plane: ${options.endReason}`;
  const byEdge = options.edgeIds !== undefined;
  return query<EndedRun>(
    poolOf(prisma),
    sql`
    WITH last_known AS (
      SELECT r."id", r."state" AS "previous",
        LEAST(now() AT TIME ZONE 'UTC', GREATEST(r."created_at", r."started_at", e."last_seen_at")) AS "at"
      FROM "workflow_runs" r LEFT JOIN "media_edges" e ON e."id" = r."edge_id"
      WHERE r."state" IN ('initialized', 'running')
        AND (${!byEdge} OR r."edge_id" = ANY(${options.edgeIds ?? []}::text[]))
      FOR UPDATE OF r
    ), ended AS (
      UPDATE "workflow_runs" r SET
        "state" = 'failed'::"RunState",
        "end_reason" = ${options.endReason},
        "error" = ${error},
        "ended_at" = k."at",
        "duration_seconds" = CASE WHEN r."started_at" IS NULL THEN 0
          ELSE GREATEST(0, FLOOR(EXTRACT(EPOCH FROM (k."at" - r."started_at"))))::int END
      FROM last_known k
      WHERE r."id" = k."id" AND r."state" IN ('initialized', 'running')
      RETURNING r."id", r."user_id", r."quota_held", r."created_at", r."duration_seconds", k."previous" = 'running' AS "started"
    ), released AS (
      ${RELEASE_SLOTS}
    )
    SELECT "id", "started" FROM ended`,
  );
}

/** Appends `entry` to the JSON array `logs[key]` of a run, atomically (no read-modify-write). */
export async function appendRunLog(prisma: Db, runId: string, key: string, entry: Record<string, unknown>): Promise<void> {
  await prisma.$executeRaw`
    UPDATE "workflow_runs"
    SET "logs" = jsonb_set("logs", ARRAY[${key}]::text[], COALESCE("logs" -> ${key}, '[]'::jsonb) || jsonb_build_array(${JSON.stringify(entry)}::jsonb))
    WHERE "id" = ${runId}`;
}
