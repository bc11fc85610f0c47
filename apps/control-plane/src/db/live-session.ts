import type pg from 'pg';
import { execute, query, sql, transaction, type SqlRunner } from './sql.ts';

/**
 * Class id of the two-key advisory locks on provider sessions (`pg_advisory_xact_lock(int, int)`).
 * The two-key space never meets the one-bigint keys of Prisma's migration lock and the bootstrap lock.
 */
export const SESSION_LOCK_CLASS = 0x76723373;

/** One provider session in an account: the telephony configuration and the provider's call id. */
export interface ProviderSession {
  organizationId: string;
  telephonyConfigurationId: string;
  /** `session_id`, else `call_sid`, as `RunStart` records them on `gathered_context`. */
  sessionId: string;
}

/** The provider call id `RunStart` keys a session on: the session id, else the call SID. */
export function sessionKeyOf(start: { session_id?: string | undefined; call_id?: string | undefined }): string | undefined {
  const key = start.session_id ?? start.call_id;
  return key === undefined || key === '' ? undefined : key;
}

/**
 * Another `initialized`/`running` run of the same configuration streaming the same session, if
 * any. Scoped by organization so the `(organization_id, state, created_at)` index bounds the scan.
 */
export async function findLiveSessionRun(
  db: SqlRunner,
  session: ProviderSession,
  exceptRunId: string,
): Promise<{ id: string; name: string } | undefined> {
  const rows = await query<{ id: string; name: string }>(db, sql`
    SELECT "id", "name" FROM "workflow_runs"
    WHERE "organization_id" = ${session.organizationId}
      AND "state" IN ('initialized', 'running')
      AND "telephony_configuration_id" = ${session.telephonyConfigurationId}
      AND "id" <> ${exceptRunId}
      AND COALESCE("gathered_context" ->> 'session_id', "gathered_context" ->> 'call_sid') = ${session.sessionId}
    LIMIT 1`);
  return rows[0];
}

/** What `RunStart` records on a run: its contexts and logs as completed by `start`, the edge and the configuration. */
export interface StartRecord {
  gatheredContext: Record<string, unknown>;
  initialContext: Record<string, unknown>;
  logs: Record<string, unknown>;
  edgeId: string;
  telephonyConfigurationId: string | null;
}

/**
 * Writes `record` on the run if it is still `initialized`; given `startedAt`, the same update moves
 * it to `running`. False when the run was no longer `initialized` (finalized meanwhile).
 */
export async function recordStart(db: SqlRunner, runId: string, record: StartRecord, startedAt?: Date): Promise<boolean> {
  const running = startedAt === undefined ? sql`` : sql`, "state" = 'running', "started_at" = ${startedAt}::timestamp(3)`;
  const changed = await execute(db, sql`
    UPDATE "workflow_runs" SET
      "gathered_context" = ${JSON.stringify(record.gatheredContext)}::jsonb,
      "initial_context" = ${JSON.stringify(record.initialContext)}::jsonb,
      "logs" = ${JSON.stringify(record.logs)}::jsonb,
      "edge_id" = ${record.edgeId},
      "telephony_configuration_id" = ${record.telephonyConfigurationId}${running}
    WHERE "id" = ${runId} AND "state" = 'initialized'`);
  return changed > 0;
}

/** Outcome of {@link startRunExclusively}. */
export type ExclusiveStartResult =
  | { outcome: 'started' }
  | { outcome: 'duplicate'; liveRun: { id: string; name: string } }
  /** The run was no longer `initialized` (finalized meanwhile). */
  | { outcome: 'ended' };

/** Longest wait for the session lock beyond the connection wait, in milliseconds. */
const LOCK_WAIT_EXTRA_MS = 5_000;

/**
 * Moves a run from `initialized` to `running` (with `record`, which holds the session ids) unless
 * another live run of the configuration streams the same session. One short transaction holds a
 * transaction-scoped advisory lock on (configuration, session): two starts of one call on any
 * replicas serialize, and the second sees the first's committed `running` row. Starts of different
 * sessions never wait for each other. Fails with `ConnectionWaitError` when no connection opens
 * the transaction within `maxWaitMs`; the lock is waited for at most `maxWaitMs` + 5 s.
 */
export async function startRunExclusively(
  pool: pg.Pool,
  runId: string,
  session: ProviderSession,
  record: StartRecord,
  startedAt: Date,
  options: { maxWaitMs: number },
): Promise<ExclusiveStartResult> {
  const lockKey = `${session.telephonyConfigurationId}:${session.sessionId}`;
  const lockTimeout = `${options.maxWaitMs + LOCK_WAIT_EXTRA_MS}ms`;
  return transaction(
    pool,
    async (client) => {
      // The subquery sets the transaction's lock timeout before the lock is requested.
      await execute(client, sql`
        SELECT pg_advisory_xact_lock(${SESSION_LOCK_CLASS}::int, hashtext(${lockKey}))
        FROM (SELECT set_config('lock_timeout', ${lockTimeout}, true)) AS "bound"`);
      const liveRun = await findLiveSessionRun(client, session, runId);
      if (liveRun) return { outcome: 'duplicate', liveRun };
      return (await recordStart(client, runId, record, startedAt)) ? { outcome: 'started' } : { outcome: 'ended' };
    },
    { maxWaitMs: options.maxWaitMs },
  );
}
