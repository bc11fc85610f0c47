import type pg from 'pg';
import { execute, query, sql, withConnection, type SqlRunner } from './sql.ts';

/** Name of the partial unique index that holds one live run per (configuration, session). */
export const LIVE_SESSION_INDEX = 'workflow_runs_live_session_key';

/** One provider session in an account: the telephony configuration and the provider's call id. */
export interface ProviderSession {
  telephonyConfigurationId: string;
  /** `session_id`, else `call_sid`, as `RunStart` records them on `gathered_context`. */
  sessionId: string;
}

/** The provider call id `RunStart` keys a session on: the session id, else the call SID. */
export function sessionKeyOf(start: { session_id?: string | undefined; call_id?: string | undefined }): string | undefined {
  const key = start.session_id ?? start.call_id;
  return key === undefined || key === '' ? undefined : key;
}

/** Another live run of the same configuration streaming the same session, if any. */
export async function findLiveSessionRun(
  db: SqlRunner,
  session: ProviderSession,
  exceptRunId: string,
): Promise<{ id: string; name: string } | undefined> {
  const rows = await query<{ id: string; name: string }>(db, sql`
    SELECT "id", "name" FROM "workflow_runs"
    WHERE "telephony_configuration_id" = ${session.telephonyConfigurationId}
      AND "session_key" = ${session.sessionId}
      AND "state" IN ('initialized', 'running')
      AND "id" <> ${exceptRunId}
    LIMIT 1`);
  return rows[0];
}

/** What `RunStart` records on a run: its contexts and logs as completed by `start`, the edge and the configuration. */
export interface StartRecord {
  gatheredContext: Record<string, unknown>;
  initialContext: Record<string, unknown>;
  /** The `logs` keys `start` sets, merged into the run's logs (keys written meanwhile, such as provider callbacks, are kept). */
  logs: Record<string, unknown>;
  edgeId: string;
  telephonyConfigurationId: string | null;
}

/** The move to `running` that {@link recordStart} makes with the record. */
export interface RunningSince {
  at: Date;
  /** The provider session it streams: taken in the live-session index by the same update. */
  sessionKey?: string | undefined;
}

/**
 * Writes `record` on the run if it is still `initialized`; given `running`, the same update moves
 * it to `running` (and takes its session key). False when the run was no longer `initialized`
 * (finalized meanwhile). A session key another live run of the configuration holds fails the
 * update with a unique violation on {@link LIVE_SESSION_INDEX}.
 */
export async function recordStart(db: SqlRunner, runId: string, record: StartRecord, running?: RunningSince): Promise<boolean> {
  const moved =
    running === undefined
      ? sql``
      : sql`, "state" = 'running', "started_at" = ${running.at}::timestamp(3), "session_key" = ${running.sessionKey ?? null}`;
  const changed = await execute(db, sql`
    UPDATE "workflow_runs" SET
      "gathered_context" = ${JSON.stringify(record.gatheredContext)}::jsonb,
      "initial_context" = ${JSON.stringify(record.initialContext)}::jsonb,
      "logs" = "logs" || ${JSON.stringify(record.logs)}::jsonb,
      "edge_id" = ${record.edgeId},
      "telephony_configuration_id" = ${record.telephonyConfigurationId}${moved}
    WHERE "id" = ${runId} AND "state" = 'initialized'`);
  return changed > 0;
}

/** Outcome of {@link startRunExclusively}. */
export type ExclusiveStartResult =
  | { outcome: 'started' }
  | { outcome: 'duplicate'; liveRun: { id: string; name: string } }
  /** The run was no longer `initialized` (finalized meanwhile). */
  | { outcome: 'ended' };

/** Unique violation (SQLSTATE 23505) on the live-session index. */
function isLiveSessionConflict(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown };
  return e.code === '23505' && e.constraint === LIVE_SESSION_INDEX;
}

/**
 * Moves a run from `initialized` to `running` (with `record`) unless another live run of the
 * configuration streams the same session: one autocommit update takes the session key, and the
 * partial unique index {@link LIVE_SESSION_INDEX} refuses a second live holder, so two starts of
 * one call on any replicas never both run, and starts of different sessions never wait for each
 * other. Fails with `ConnectionWaitError` when no connection is free within `maxWaitMs`.
 */
export async function startRunExclusively(
  pool: pg.Pool,
  runId: string,
  session: ProviderSession,
  record: StartRecord,
  startedAt: Date,
  options: { maxWaitMs: number },
): Promise<ExclusiveStartResult> {
  // A second try covers the holder ending between the refused update and the lookup of its name.
  for (let attempt = 0; ; attempt++) {
    try {
      const started = await withConnection(pool, (client) => recordStart(client, runId, record, { at: startedAt, sessionKey: session.sessionId }), options);
      return started ? { outcome: 'started' } : { outcome: 'ended' };
    } catch (err) {
      if (!isLiveSessionConflict(err)) throw err;
      const liveRun = await findLiveSessionRun(pool, session, runId);
      if (liveRun) return { outcome: 'duplicate', liveRun };
      if (attempt > 0) throw err;
    }
  }
}
