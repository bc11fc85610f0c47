import { poolOf, type Db } from './prisma.ts';
import { query, sql, type SqlStatement } from './sql.ts';
import { readUsage } from './usage.ts';

/**
 * The console's Overview (`GET /stats/overview`): an organization's runs over a time range, counted
 * in SQL over `workflow_runs` (and `run_events` for per-turn latency). `timestamp(3)` columns hold
 * UTC wall time; instants go in as ISO text and come out as epoch milliseconds, so the session's
 * time zone never matters.
 */

/** Upper bounds (ms, exclusive) of the latency histogram buckets; the last bucket is open-ended. */
export const LATENCY_BUCKETS_MS = [50, 100, 200, 500, 1000, 2000, 5000] as const;

/** Runs created in one hour (UTC). */
export interface HourCalls {
  /** Start of the hour. */
  hour: Date;
  inbound: number;
  outbound: number;
  /** Of inbound + outbound: the runs that ended `failed`. */
  failed: number;
}

/** One bucket of a latency histogram: `[from_ms, to_ms)`, `to_ms` null for the last. */
export interface LatencyBucket {
  from_ms: number;
  to_ms: number | null;
  count: number;
}

/** A latency distribution: bucket counts and percentiles (null without samples). */
export interface LatencyHistogram {
  buckets: LatencyBucket[];
  count: number;
  p50: number | null;
  p95: number | null;
}

/** The whole Overview of an organization over `[from, to)`. */
export interface OverviewStats {
  calls_per_hour: HourCalls[];
  end_reasons: Array<{ end_reason: string; count: number }>;
  call_seconds: { used_this_month: number; monthly_quota: number | null };
  handshake_ms: LatencyHistogram;
  turn_latency_ms: LatencyHistogram;
}

/** Calls per hour bucket, zero-filled from the hour containing `from` to the one containing `to`. */
async function callsPerHour(db: Db, organizationId: string, from: Date, to: Date): Promise<HourCalls[]> {
  const rows = await query<{ hour: number; inbound: number; outbound: number; failed: number }>(
    poolOf(db),
    sql`
    WITH hours AS (
      SELECT generate_series(date_trunc('hour', ${from}::timestamp(3)), date_trunc('hour', ${to}::timestamp(3) - interval '1 millisecond'), interval '1 hour') AS "hour"
    ), counted AS (
      SELECT date_trunc('hour', "created_at") AS "hour",
        count(*) FILTER (WHERE "call_type" = 'inbound')::int AS "inbound",
        count(*) FILTER (WHERE "call_type" = 'outbound')::int AS "outbound",
        count(*) FILTER (WHERE "state" = 'failed')::int AS "failed"
      FROM "workflow_runs"
      WHERE "organization_id" = ${organizationId} AND "created_at" >= ${from}::timestamp(3) AND "created_at" < ${to}::timestamp(3)
      GROUP BY 1
    )
    SELECT (extract(epoch FROM h."hour") * 1000)::float8 AS "hour",
      COALESCE(c."inbound", 0) AS "inbound", COALESCE(c."outbound", 0) AS "outbound", COALESCE(c."failed", 0) AS "failed"
    FROM hours h LEFT JOIN counted c ON c."hour" = h."hour"
    ORDER BY h."hour"`,
  );
  return rows.map((row) => ({ hour: new Date(row.hour), inbound: row.inbound, outbound: row.outbound, failed: row.failed }));
}

/** End reasons of the failed runs, most frequent first. */
async function failureReasons(db: Db, organizationId: string, from: Date, to: Date): Promise<Array<{ end_reason: string; count: number }>> {
  return query<{ end_reason: string; count: number }>(
    poolOf(db),
    sql`
    SELECT COALESCE("end_reason", 'unknown') AS "end_reason", count(*)::int AS "count"
    FROM "workflow_runs"
    WHERE "organization_id" = ${organizationId} AND "state" = 'failed'
      AND "created_at" >= ${from}::timestamp(3) AND "created_at" < ${to}::timestamp(3)
    GROUP BY 1 ORDER BY 2 DESC, 1`,
  );
}

/** Histogram and percentiles of `samples`, a statement selecting one column `ms` (float). */
async function histogram(db: Db, samples: SqlStatement): Promise<LatencyHistogram> {
  const bounds = [...LATENCY_BUCKETS_MS];
  const rows = await query<{ bucket: number | null; count: number; total: number; p50: number | null; p95: number | null }>(
    poolOf(db),
    sql`
    WITH samples AS (${samples}),
    stats AS (
      SELECT count(*)::int AS "total",
        percentile_cont(0.5) WITHIN GROUP (ORDER BY "ms")::float8 AS "p50",
        percentile_cont(0.95) WITHIN GROUP (ORDER BY "ms")::float8 AS "p95"
      FROM samples
    ), buckets AS (
      SELECT width_bucket("ms", ${bounds}::float8[]) AS "bucket", count(*)::int AS "count" FROM samples GROUP BY 1
    )
    SELECT b."bucket", COALESCE(b."count", 0) AS "count", s."total", s."p50", s."p95"
    FROM stats s LEFT JOIN buckets b ON true`,
  );
  const counts = new Array<number>(bounds.length + 1).fill(0);
  for (const row of rows) if (row.bucket !== null) counts[row.bucket] = row.count;
  const first = rows[0];
  const round = (value: number | null | undefined) => (value === null || value === undefined ? null : Math.round(value));
  return {
    buckets: counts.map((count, i) => ({ from_ms: i === 0 ? 0 : bounds[i - 1]!, to_ms: bounds[i] ?? null, count })),
    count: first?.total ?? 0,
    p50: round(first?.p50),
    p95: round(first?.p95),
  };
}

/** Time from a run's creation (admission) to its start, for the runs that started. */
function handshakeSamples(organizationId: string, from: Date, to: Date): SqlStatement {
  return sql`
    SELECT (extract(epoch FROM ("started_at" - "created_at")) * 1000)::float8 AS "ms"
    FROM "workflow_runs"
    WHERE "organization_id" = ${organizationId} AND "started_at" IS NOT NULL
      AND "created_at" >= ${from}::timestamp(3) AND "created_at" < ${to}::timestamp(3)`;
}

/**
 * Per-turn latency: the `metric` run events named `first_audio_sent_ms` (docs/engines/voice.md; the
 * realtime engine emits the same metric), milliseconds from the end of the caller's speech to the
 * agent's first audio sent.
 */
function turnLatencySamples(organizationId: string, from: Date, to: Date): SqlStatement {
  return sql`
    SELECT (e."data" ->> 'value')::float8 AS "ms"
    FROM "run_events" e JOIN "workflow_runs" r ON r."id" = e."run_id"
    WHERE r."organization_id" = ${organizationId}
      AND r."created_at" >= ${from}::timestamp(3) AND r."created_at" < ${to}::timestamp(3)
      AND e."type" = 'metric' AND e."data" ->> 'name' = 'first_audio_sent_ms'
      AND jsonb_typeof(e."data" -> 'value') = 'number'`;
}

/**
 * Seconds used this month by the organization's users (the counters admission enforces) and the
 * sum of their monthly quotas: null when any user has none (unlimited).
 */
async function monthCallSeconds(db: Db, organizationId: string, now: Date): Promise<OverviewStats['call_seconds']> {
  const users = await db.user.findMany({ where: { organizationId }, select: { id: true, quota: { select: { monthlyCallSeconds: true } } } });
  const usages = await Promise.all(users.map((user) => readUsage(db, user.id, now)));
  const used = usages.reduce((sum, usage) => sum + usage.monthSeconds, 0);
  const limits = users.map((user) => user.quota?.monthlyCallSeconds ?? null);
  const total = limits.some((limit) => limit === null) ? null : limits.reduce<number>((sum, limit) => sum + (limit ?? 0), 0);
  return { used_this_month: used, monthly_quota: users.length === 0 ? null : total };
}

/** The Overview of `organizationId` for runs created in `[from, to)`; the month's call seconds as of `now`. */
export async function readOverviewStats(db: Db, organizationId: string, from: Date, to: Date, now: Date): Promise<OverviewStats> {
  const [calls, reasons, handshake, turns, callSeconds] = await Promise.all([
    callsPerHour(db, organizationId, from, to),
    failureReasons(db, organizationId, from, to),
    histogram(db, handshakeSamples(organizationId, from, to)),
    histogram(db, turnLatencySamples(organizationId, from, to)),
    monthCallSeconds(db, organizationId, now),
  ]);
  return { calls_per_hour: calls, end_reasons: reasons, call_seconds: callSeconds, handshake_ms: handshake, turn_latency_ms: turns };
}
