import type { Db } from '../db/prisma.ts';
import type { JobOptions } from './queue.ts';

/** One outbox row waiting to be handed to BullMQ (or checked for loss). */
export interface OutboxRow {
  id: bigint;
  jobId: string;
  name: string;
  data: unknown;
  attempts: number;
  backoffMs: number;
  /** Generation of the row (its `enqueued_at` in epoch ms): reuse of a finished `job_id` starts a new one. */
  generation: number;
}

/** The BullMQ job id of one generation of an outbox row (BullMQ ids may not contain `:`). */
export function bullJobId(row: Pick<OutboxRow, 'id' | 'generation'>): string {
  return `o${row.id.toString()}-${row.generation}`;
}

/** UTC wall clock of the database, as Prisma stores `DateTime` (timestamp without time zone). */
const NOW = `(now() AT TIME ZONE 'UTC')`;
/** Selected columns of an {@link OutboxRow}. */
const COLUMNS = `"id", "job_id", "name", "data", "attempts", "backoff_ms", (extract(epoch FROM "enqueued_at") * 1000)::bigint AS "generation"`;
/** Matches one generation of a row: `$1` id, `$2` generation. */
const SAME_GENERATION = `"id" = $1::bigint AND (extract(epoch FROM "enqueued_at") * 1000)::bigint = $2::bigint`;

type RawRow = { id: bigint; job_id: string; name: string; data: unknown; attempts: number; backoff_ms: number; generation: bigint };
const toRow = (r: RawRow): OutboxRow => ({ id: r.id, jobId: r.job_id, name: r.name, data: r.data, attempts: r.attempts, backoffMs: r.backoff_ms, generation: Number(r.generation) });

/**
 * Writes a job to the outbox. A finished row with the same `job_id` is reused (new generation);
 * a pending or relayed one absorbs the call. Returns true when a new job was recorded.
 */
export async function insertOutboxJob(prisma: Db, name: string, data: unknown, options: JobOptions): Promise<boolean> {
  const json = JSON.stringify(data === undefined ? null : data);
  const attempts = Math.max(1, Math.floor(options.attempts));
  const backoffMs = Math.max(0, Math.floor(options.backoffMs));
  const rows = await prisma.$queryRawUnsafe<{ id: bigint }[]>(
    `INSERT INTO "job_outbox" ("job_id", "name", "data", "attempts", "backoff_ms", "state", "created_at", "enqueued_at")
     VALUES ($1, $2, $3::jsonb, $4, $5, 'pending', ${NOW}, ${NOW})
     ON CONFLICT ("job_id") DO UPDATE SET
       "name" = EXCLUDED."name", "data" = EXCLUDED."data", "attempts" = EXCLUDED."attempts",
       "backoff_ms" = EXCLUDED."backoff_ms", "state" = 'pending', "error" = NULL,
       "enqueued_at" = GREATEST(EXCLUDED."enqueued_at", "job_outbox"."enqueued_at" + interval '1 millisecond'),
       "relayed_at" = NULL, "finished_at" = NULL
     WHERE "job_outbox"."state" IN ('done', 'failed')
     RETURNING "id"`,
    options.jobId,
    name,
    json,
    attempts,
    backoffMs,
  );
  return rows.length > 0;
}

/**
 * Hands pending rows to `relay` inside one transaction that holds their row locks
 * (`FOR UPDATE SKIP LOCKED`, so replicas relaying at once never take the same row), and marks
 * the ones `relay` accepted as relayed. `relay` returns the ids it handed over; it stops at
 * the first failure. Returns how many rows were relayed.
 */
export async function relayPending(prisma: Db, limit: number, relay: (rows: OutboxRow[]) => Promise<bigint[]>): Promise<number> {
  return prisma.$transaction(
    async (tx) => {
      const rows = await tx.$queryRawUnsafe<RawRow[]>(
        `SELECT ${COLUMNS} FROM "job_outbox"
         WHERE "state" = 'pending' ORDER BY "id" LIMIT $1 FOR UPDATE SKIP LOCKED`,
        limit,
      );
      if (rows.length === 0) return 0;
      const done = await relay(rows.map(toRow));
      if (done.length === 0) return 0;
      return tx.$executeRawUnsafe(
        `UPDATE "job_outbox" SET "state" = 'relayed', "relayed_at" = ${NOW} WHERE "id" = ANY($1::bigint[]) AND "state" = 'pending'`,
        done.map(String),
      );
    },
    { maxWait: 5_000, timeout: 30_000 },
  );
}

/** Rows relayed longer than `olderThanMs` ago and not finished: candidates for a lost BullMQ job. */
export async function staleRelayed(prisma: Db, olderThanMs: number, limit: number): Promise<OutboxRow[]> {
  const rows = await prisma.$queryRawUnsafe<RawRow[]>(
    `SELECT ${COLUMNS} FROM "job_outbox"
     WHERE "state" = 'relayed' AND "relayed_at" < ${NOW} - ($1::int * interval '1 millisecond') ORDER BY "id" LIMIT $2`,
    Math.floor(olderThanMs),
    limit,
  );
  return rows.map(toRow);
}

/** A relayed row whose BullMQ job is gone (Redis lost it) goes back to pending, if still that generation. */
export async function requeueLost(prisma: Db, row: Pick<OutboxRow, 'id' | 'generation'>): Promise<boolean> {
  const n = await prisma.$executeRawUnsafe(
    `UPDATE "job_outbox" SET "state" = 'pending', "relayed_at" = NULL WHERE ${SAME_GENERATION} AND "state" = 'relayed'`,
    row.id.toString(),
    String(row.generation),
  );
  return n > 0;
}

/** Records the end of one generation of a row: `done`, or `failed` with an error code. */
export async function finishOutboxJob(
  prisma: Db,
  row: Pick<OutboxRow, 'id' | 'generation'>,
  outcome: { state: 'done' } | { state: 'failed'; error: string },
): Promise<void> {
  await prisma.$executeRawUnsafe(
    `UPDATE "job_outbox" SET "state" = $3::"JobOutboxState", "error" = $4, "finished_at" = ${NOW}
     WHERE ${SAME_GENERATION} AND "state" IN ('pending', 'relayed')`,
    row.id.toString(),
    String(row.generation),
    outcome.state,
    outcome.state === 'failed' ? outcome.error : null,
  );
}

/** Rows not yet handed to BullMQ (a queue-depth metric). */
export async function pendingOutboxCount(prisma: Db): Promise<number> {
  const [row] = await prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS "n" FROM "job_outbox" WHERE "state" = 'pending'`);
  return row?.n ?? 0;
}

/** Deletes finished rows older than `olderThanMs`. */
export async function pruneOutbox(prisma: Db, olderThanMs: number): Promise<number> {
  return prisma.$executeRawUnsafe(
    `DELETE FROM "job_outbox" WHERE "state" IN ('done', 'failed') AND "finished_at" < ${NOW} - ($1::int * interval '1 millisecond')`,
    Math.floor(olderThanMs),
  );
}
