import type { Prisma } from '../generated/prisma/client.ts';
import { poolOf, slotPoolOf, type Db } from './prisma.ts';
import { takeSlotInLine } from './slot-line.ts';
import { query, sql } from './sql.ts';

/**
 * Quota counters (`user_usage`): admission takes a concurrent-call slot with one conditional UPDATE
 * that holds the user's counter row for that statement only, so one customer's admissions never
 * serialize on a transaction; the finalize that ends a run gives its slot back and settles its
 * seconds in the same statement (see `finalizeRun`). Reconciliation rewrites the counters from the
 * runs table and is exact while admissions and finalizes go on (see {@link reconcileUsage}).
 */

/** Start of the calendar month (UTC) containing `now`. */
export function monthStartUtc(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/**
 * A month start as SQL text: `timestamp(3)` columns hold UTC wall time, and text input with a zone
 * is read as that wall time whatever the session's time zone.
 */
function utcText(at: Date): string {
  return at.toISOString();
}

/** Why a slot was refused, with the limit and the usage it was checked against. */
export interface QuotaRefusal {
  reason: 'concurrent_calls' | 'monthly_seconds';
  limit: number;
  used: number;
}

/** Outcome of {@link takeQuotaSlot}. */
export type SlotResult = { ok: true } | ({ ok: false } & QuotaRefusal);

/** How often {@link takeQuotaSlot} tries before giving up (see its loop). */
const SLOT_ATTEMPTS = 32;

/**
 * Takes a concurrent-call slot of `userId` for the run `runId` (already inserted, `quota_held`
 * false): one statement increments `active_calls` only while it is under `max_concurrent_calls`
 * and the month's seconds are under `monthly_call_seconds` (the period rolls over to `now`'s month
 * first), and marks the run `quota_held` in the same commit. Admissions of one user arriving
 * together share that statement ({@link takeSlotInLine}); two statements for the last slot
 * serialize on the counter row, and the second sees the first's increment.
 */
export async function takeQuotaSlot(prisma: Db, runId: string, userId: string, now: Date): Promise<SlotResult> {
  const month = utcText(monthStartUtc(now));
  // Each further attempt means another admission or finalize changed the counter between the two
  // statements (a slot given back after this one was refused): under a burst of churn that happens
  // several times in a row, so the bound is generous; every pass is two short statements.
  for (let attempt = 0; attempt < SLOT_ATTEMPTS; attempt++) {
    if (await takeSlotInLine(slotPoolOf(prisma), userId, month, runId)) return { ok: true };
    const refusal = await quotaRefusal(prisma, userId, now);
    if (refusal === 'no_row') await createUsageRow(prisma, userId, now);
    else if (refusal !== 'free') return { ok: false, ...refusal };
    // A user's first admission (counter row created above), or a slot given back between the two
    // statements: try again.
  }
  throw new Error('quota slot neither taken nor refused');
}

/** The limit a slot of `userId` is refused on now; `free` when none is, `no_row` without a counter row. */
async function quotaRefusal(prisma: Db, userId: string, now: Date): Promise<QuotaRefusal | 'free' | 'no_row'> {
  const month = monthStartUtc(now);
  const rows = await query<{ activeCalls: number; periodStart: Date; periodSeconds: number; maxConcurrentCalls: number | null; monthlyCallSeconds: number | null }>(
    poolOf(prisma),
    sql`
    SELECT u."active_calls" AS "activeCalls", u."period_start" AS "periodStart", u."period_seconds" AS "periodSeconds",
           q."max_concurrent_calls" AS "maxConcurrentCalls", q."monthly_call_seconds" AS "monthlyCallSeconds"
    FROM "user_usage" u LEFT JOIN "user_quotas" q ON q."user_id" = u."user_id"
    WHERE u."user_id" = ${userId}`,
  );
  const row = rows[0];
  if (!row) return 'no_row';
  if (row.maxConcurrentCalls !== null && row.activeCalls >= row.maxConcurrentCalls) {
    return { reason: 'concurrent_calls', limit: row.maxConcurrentCalls, used: row.activeCalls };
  }
  const seconds = row.periodStart.getTime() < month.getTime() ? 0 : row.periodSeconds;
  if (row.monthlyCallSeconds !== null && seconds >= row.monthlyCallSeconds) {
    return { reason: 'monthly_seconds', limit: row.monthlyCallSeconds, used: seconds };
  }
  return 'free';
}

/** Creates the counter row of `userId` (counted from the runs table) unless it exists. */
async function createUsageRow(prisma: Db, userId: string, now: Date): Promise<void> {
  const month = utcText(monthStartUtc(now));
  await prisma.$executeRaw`
    INSERT INTO "user_usage" ("user_id", "active_calls", "period_start", "period_seconds", "reconciled_at")
    SELECT ${userId}::text,
      (SELECT count(*) FROM "workflow_runs" WHERE "user_id" = ${userId} AND "quota_held" AND "state" IN ('initialized', 'running'))::int,
      ${month}::timestamp(3),
      COALESCE((SELECT sum("duration_seconds") FROM "workflow_runs" WHERE "user_id" = ${userId} AND "created_at" >= ${month}::timestamp(3)), 0)::int,
      now() AT TIME ZONE 'UTC'
    ON CONFLICT ("user_id") DO NOTHING`;
}

/** Current usage of a user as admission sees it. */
export interface Usage {
  activeCalls: number;
  monthSeconds: number;
}

/** The counters of `userId` (zero when the user never had a run admitted). */
export async function readUsage(db: Db | Prisma.TransactionClient, userId: string, now: Date): Promise<Usage> {
  const row = await db.userUsage.findUnique({ where: { userId } });
  if (!row) return { activeCalls: 0, monthSeconds: 0 };
  const current = row.periodStart.getTime() >= monthStartUtc(now).getTime();
  return { activeCalls: row.activeCalls, monthSeconds: current ? row.periodSeconds : 0 };
}

/** One user whose counters reconciliation changed. */
export interface UsageDrift {
  userId: string;
  activeCallsBefore: number;
  activeCalls: number;
  periodSecondsBefore: number;
  periodSeconds: number;
}

/**
 * Rewrites the counters of `userIds` (every user with a counter row when omitted) from the runs
 * table: `active_calls` = live runs holding a slot, `period_seconds` = seconds of this month's runs.
 * Each user in one short transaction that first locks the counter row: an admission or finalize
 * updating the row commits before (and its run is counted) or waits and applies its change after,
 * so the result stays exact under load. Returns the users whose counters had drifted.
 */
export async function reconcileUsage(prisma: Db, options: { userIds?: string[]; now?: Date } = {}): Promise<UsageDrift[]> {
  const now = options.now ?? new Date();
  const month = utcText(monthStartUtc(now));
  const userIds =
    options.userIds ?? (await prisma.userUsage.findMany({ select: { userId: true } })).map((row) => row.userId);
  const drifts: UsageDrift[] = [];
  for (const userId of userIds) {
    const drift = await prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<Array<{ activeCalls: number; periodSeconds: number; periodStart: Date }>>`
        SELECT "active_calls" AS "activeCalls", "period_seconds" AS "periodSeconds", "period_start" AS "periodStart"
        FROM "user_usage" WHERE "user_id" = ${userId} FOR UPDATE`;
      const before = locked[0];
      if (!before) return undefined;
      // A new statement: in READ COMMITTED it sees every change committed before the lock was granted.
      const counted = await tx.$queryRaw<Array<{ activeCalls: number; periodSeconds: number }>>`
        SELECT
          count(*) FILTER (WHERE "quota_held" AND "state" IN ('initialized', 'running'))::int AS "activeCalls",
          COALESCE(sum("duration_seconds") FILTER (WHERE "created_at" >= ${month}::timestamp(3)), 0)::int AS "periodSeconds"
        FROM "workflow_runs" WHERE "user_id" = ${userId}`;
      const after = counted[0] ?? { activeCalls: 0, periodSeconds: 0 };
      await tx.$executeRaw`
        UPDATE "user_usage" SET "active_calls" = ${after.activeCalls}, "period_seconds" = ${after.periodSeconds},
          "period_start" = ${month}::timestamp(3), "reconciled_at" = now() AT TIME ZONE 'UTC'
        WHERE "user_id" = ${userId}`;
      const beforeSeconds = before.periodStart.getTime() < monthStartUtc(now).getTime() ? 0 : before.periodSeconds;
      if (before.activeCalls === after.activeCalls && beforeSeconds === after.periodSeconds) return undefined;
      return {
        userId,
        activeCallsBefore: before.activeCalls,
        activeCalls: after.activeCalls,
        periodSecondsBefore: before.periodSeconds,
        periodSeconds: after.periodSeconds,
      };
    });
    if (drift) drifts.push(drift);
  }
  return drifts;
}

/**
 * Users whose concurrent-call counter disagrees with their live runs holding a slot. One statement,
 * one snapshot: since admission and finalize change a counter and its runs in one statement, every
 * disagreement it finds is real drift (a run deleted with its agent, a manual edit). Seconds are
 * checked by the full {@link reconcileUsage} at control-plane start only: summing a month of runs
 * is not for every reaper pass.
 */
export async function findUsageDrift(prisma: Db, limit = 100): Promise<string[]> {
  const rows = await prisma.$queryRaw<Array<{ userId: string }>>`
    SELECT u."user_id" AS "userId" FROM "user_usage" u
    WHERE u."active_calls" <> (SELECT count(*) FROM "workflow_runs" r
            WHERE r."user_id" = u."user_id" AND r."quota_held" AND r."state" IN ('initialized', 'running'))
    LIMIT ${limit}`;
  return rows.map((row) => row.userId);
}
