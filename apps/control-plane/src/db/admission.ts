import { RunState } from '@vr3/protocol';
import type { Prisma, WorkflowRun } from '../generated/prisma/client.ts';
import type { Db } from './prisma.ts';
import { mintRunName } from './runs.ts';

/** The run to mint once the quota allows it. */
export interface AdmissionInput {
  organizationId: string;
  /** The agent's owning user: quota is charged to them. */
  userId: string;
  agentId: string;
  agentUuid: string;
  agentVersionId: string;
  provider: string;
  /** `null` until `RunStart` matches it, for providers that name their account in `start`. */
  telephonyConfigurationId: string | null;
  edgeId: string;
  initialContext: Prisma.InputJsonObject;
  gatheredContext: Prisma.InputJsonObject;
  logs: Prisma.InputJsonObject;
}

/** Outcome of {@link admitRun}. */
export type AdmissionResult =
  | { ok: true; run: WorkflowRun }
  | { ok: false; reason: 'concurrent_calls' | 'monthly_seconds'; limit: number; used: number };

/** Options of {@link admitRun}. */
export interface AdmissionOptions {
  /** Longest wait for a pooled connection to open the transaction, in milliseconds. */
  maxWaitMs: number;
  /** Clock, for tests. */
  now?: Date;
}

/** Start of the calendar month (UTC) containing `now`. */
export function monthStartUtc(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/**
 * Quota check and run insert in one transaction, serialized per user by `SELECT … FOR UPDATE` on
 * the owning user's row: two admissions for the same user (on any replica) can never both take
 * the last concurrent slot. Counts the user's `initialized`/`running` runs against
 * `max_concurrent_calls` and this calendar month's `duration_seconds` against `monthly_call_seconds`.
 */
export async function admitRun(prisma: Db, input: AdmissionInput, options: AdmissionOptions): Promise<AdmissionResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await prisma.$transaction((tx) => admitInTransaction(tx, input, options.now ?? new Date()), {
        maxWait: options.maxWaitMs,
        timeout: options.maxWaitMs + 5_000,
      });
    } catch (err) {
      // A run-name collision (36^8 space) aborts the transaction: mint again once.
      const target = (err as { code?: string; meta?: { target?: unknown } }).code;
      if (target === 'P2002' && attempt === 0) continue;
      throw err;
    }
  }
}

async function admitInTransaction(tx: Prisma.TransactionClient, input: AdmissionInput, now: Date): Promise<AdmissionResult> {
  // Lock the user's row and read their quota in one round trip. The active-run count and the month's
  // seconds below are later statements, so they see every admission committed before the lock.
  const rows = await tx.$queryRaw<Array<{ maxConcurrentCalls: number | null; monthlyCallSeconds: number | null }>>`
    SELECT q."max_concurrent_calls" AS "maxConcurrentCalls", q."monthly_call_seconds" AS "monthlyCallSeconds"
    FROM "users" u LEFT JOIN "user_quotas" q ON q."user_id" = u."id"
    WHERE u."id" = ${input.userId} FOR UPDATE OF u`;
  const quota = rows[0];
  if (quota?.maxConcurrentCalls !== null && quota?.maxConcurrentCalls !== undefined) {
    const active = await tx.workflowRun.count({
      where: { userId: input.userId, state: { in: [RunState.Initialized, RunState.Running] } },
    });
    if (active >= quota.maxConcurrentCalls) return { ok: false, reason: 'concurrent_calls', limit: quota.maxConcurrentCalls, used: active };
  }
  if (quota?.monthlyCallSeconds !== null && quota?.monthlyCallSeconds !== undefined) {
    const used = await monthSecondsUsed(tx, input.userId, now);
    if (used >= quota.monthlyCallSeconds) return { ok: false, reason: 'monthly_seconds', limit: quota.monthlyCallSeconds, used };
  }
  const run = await tx.workflowRun.create({
    data: {
      name: mintRunName(),
      organizationId: input.organizationId,
      userId: input.userId,
      agentId: input.agentId,
      agentUuid: input.agentUuid,
      agentVersionId: input.agentVersionId,
      callType: 'inbound',
      mode: input.provider,
      state: RunState.Initialized,
      initialContext: input.initialContext,
      gatheredContext: input.gatheredContext,
      logs: input.logs,
      telephonyConfigurationId: input.telephonyConfigurationId,
      edgeId: input.edgeId,
      createdAt: now,
    },
  });
  return { ok: true, run };
}

/** Seconds of the user's runs created in the calendar month (UTC) of `now`. */
export async function monthSecondsUsed(db: Prisma.TransactionClient | Db, userId: string, now: Date): Promise<number> {
  const result = await db.workflowRun.aggregate({
    where: { userId, createdAt: { gte: monthStartUtc(now) } },
    _sum: { durationSeconds: true },
  });
  return result._sum.durationSeconds ?? 0;
}
