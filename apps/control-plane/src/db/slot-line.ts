import type pg from 'pg';
import { query, sql } from './sql.ts';

/**
 * One slot statement in flight per user per connection pool: admissions of the same user that
 * arrive while one is running wait for the next, which takes their slots together.
 *
 * Every slot statement updates the user's one counter row, so concurrent statements of a user
 * queue on that row's lock, each holding a pooled connection while it waits; in a burst the
 * waiters fill the pool and every other statement (agent lookups, starts, finalizes) waits behind
 * them. Lined up here, a burst of one user's admissions costs one statement per round trip instead
 * of one per admission, and holds one connection instead of many. Still exact: each statement
 * grants at most the slots left under the limits, in arrival order.
 */

/** Most runs one statement takes slots for. */
const MAX_BATCH = 256;

interface Waiter {
  runId: string;
  resolve(granted: boolean): void;
  reject(err: unknown): void;
}

/** The admissions of one user (and month) waiting for their slot statement. */
interface Line {
  waiting: Waiter[];
}

/** Lines by pool, then by `user month`. */
const LINES = new WeakMap<pg.Pool, Map<string, Line>>();

/**
 * Takes a concurrent-call slot for the run `runId` of `userId` (already inserted, `quota_held`
 * false) together with the other admissions of that user waiting at the same moment. `month` is the
 * start of the current month as UTC text (the period the counter rolls over to). Resolves `true`
 * when the slot was taken (the run is marked `quota_held` in the same statement), `false` when it was
 * refused or the user has no counter row yet; the caller finds out which.
 */
export function takeSlotInLine(pool: pg.Pool, userId: string, month: string, runId: string): Promise<boolean> {
  let lines = LINES.get(pool);
  if (!lines) {
    lines = new Map();
    LINES.set(pool, lines);
  }
  const key = `${userId} ${month}`;
  return new Promise<boolean>((resolve, reject) => {
    const waiter: Waiter = { runId, resolve, reject };
    const line = lines.get(key);
    if (line) {
      line.waiting.push(waiter);
      return;
    }
    const fresh: Line = { waiting: [waiter] };
    lines.set(key, fresh);
    void drain(pool, lines, key, fresh, userId, month);
  });
}

/** Runs slot statements for `line` until nobody waits; then the line is removed. */
async function drain(pool: pg.Pool, lines: Map<string, Line>, key: string, line: Line, userId: string, month: string): Promise<void> {
  while (line.waiting.length > 0) {
    const batch = line.waiting.splice(0, MAX_BATCH);
    try {
      const granted = await grantSlots(
        pool,
        userId,
        month,
        batch.map((w) => w.runId),
      );
      for (const w of batch) w.resolve(granted.has(w.runId));
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }
  lines.delete(key);
}

/**
 * One statement: locks the user's counter row, works out how many of `runIds` fit under the
 * concurrent-call limit (none when the month's seconds are used up; the period rolls over to
 * `month` first), adds them to `active_calls`, and marks the first that many runs `quota_held`.
 * Returns the runs that got a slot.
 */
async function grantSlots(pool: pg.Pool, userId: string, month: string, runIds: string[]): Promise<Set<string>> {
  const wanted = runIds.length;
  const rows = await query<{ id: string }>(pool, sql`
    WITH cur AS (
      SELECT u."user_id",
        CASE
          WHEN q."monthly_call_seconds" IS NOT NULL
            AND (CASE WHEN u."period_start" < ${month}::timestamp(3) THEN 0 ELSE u."period_seconds" END) >= q."monthly_call_seconds" THEN 0
          WHEN q."max_concurrent_calls" IS NULL THEN ${wanted}::int
          ELSE LEAST(${wanted}::int, GREATEST(0, q."max_concurrent_calls" - u."active_calls"))
        END AS "k"
      FROM "user_usage" u LEFT JOIN "user_quotas" q ON q."user_id" = u."user_id"
      WHERE u."user_id" = ${userId}
      FOR UPDATE OF u
    ),
    slot AS (
      UPDATE "user_usage" u SET
        "active_calls" = u."active_calls" + cur."k",
        "period_seconds" = CASE WHEN u."period_start" < ${month}::timestamp(3) THEN 0 ELSE u."period_seconds" END,
        "period_start" = GREATEST(u."period_start", ${month}::timestamp(3))
      FROM cur
      WHERE u."user_id" = cur."user_id" AND cur."k" > 0
      RETURNING cur."k"
    )
    UPDATE "workflow_runs" SET "quota_held" = true
    WHERE "id" = ANY((${runIds}::text[])[1:(SELECT "k" FROM slot)])
    RETURNING "id"`);
  return new Set(rows.map((r) => r.id));
}
