import { RunState } from '@vr3/protocol';
import type { Prisma } from '../generated/prisma/client.ts';
import type { Db } from './prisma.ts';

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
  db: Db | Prisma.TransactionClient,
  session: ProviderSession,
  exceptRunId: string,
): Promise<{ id: string; name: string } | undefined> {
  const rows = await db.$queryRaw<Array<{ id: string; name: string }>>`
    SELECT "id", "name" FROM "workflow_runs"
    WHERE "organization_id" = ${session.organizationId}
      AND "state" IN ('initialized', 'running')
      AND "telephony_configuration_id" = ${session.telephonyConfigurationId}
      AND "id" <> ${exceptRunId}
      AND COALESCE("gathered_context" ->> 'session_id', "gathered_context" ->> 'call_sid') = ${session.sessionId}
    LIMIT 1`;
  return rows[0];
}

/** Outcome of {@link startRunExclusively}. */
export type ExclusiveStartResult =
  | { outcome: 'started' }
  | { outcome: 'duplicate'; liveRun: { id: string; name: string } }
  /** The run was no longer `initialized` (finalized meanwhile). */
  | { outcome: 'ended' };

/**
 * Moves a run from `initialized` to `running` (with `data`, which records the session ids) unless
 * another live run of the configuration streams the same session. One short transaction holds a
 * transaction-scoped advisory lock on (configuration, session): two starts of one call on any
 * replicas serialize, and the second sees the first's committed `running` row. Starts of different
 * sessions never wait for each other.
 */
export async function startRunExclusively(
  prisma: Db,
  runId: string,
  session: ProviderSession,
  data: Prisma.WorkflowRunUncheckedUpdateManyInput,
  options: { maxWaitMs: number },
): Promise<ExclusiveStartResult> {
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SESSION_LOCK_CLASS}::int, hashtext(${`${session.telephonyConfigurationId}:${session.sessionId}`}))`;
      const liveRun = await findLiveSessionRun(tx, session, runId);
      if (liveRun) return { outcome: 'duplicate', liveRun };
      const started = await tx.workflowRun.updateMany({ where: { id: runId, state: RunState.Initialized }, data: { ...data, state: RunState.Running } });
      return started.count === 0 ? { outcome: 'ended' } : { outcome: 'started' };
    },
    { maxWait: options.maxWaitMs, timeout: options.maxWaitMs + 5_000 },
  );
}
