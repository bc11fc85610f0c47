/**
 * The statements of the campaign dialer. Every one is safe with several control-plane replicas
 * dialling at once: a campaign's slots are given under its row lock (`FOR UPDATE SKIP LOCKED`: a
 * replica never waits for another, it skips what another holds), contacts are claimed and settled
 * under theirs, and every change to a claim is conditional on the claim (contact state, attempt
 * number, no run recorded yet), so a late or repeated job changes nothing.
 */
import type pg from 'pg';
import type { CampaignContactState, CampaignState } from '../generated/prisma/client.ts';
import { execute, query, sql, transaction, type SqlRunner } from '../db/sql.ts';
import { dialIntervalMs, freeConcurrency, reserveSlots } from './pacing.ts';
import { isWithinWindow, type CallingWindow } from './window.ts';

/** Rows settled per statement. */
const BATCH = 500;

/** True when some campaign may need the dialer: one running or paused, or a call of one still being dialled. */
export async function dialerHasWork(pool: pg.Pool): Promise<boolean> {
  const rows = await query<{ work: boolean }>(
    pool,
    sql`SELECT EXISTS (SELECT 1 FROM "campaigns" WHERE "state" IN ('running', 'paused'))
            OR EXISTS (SELECT 1 FROM "campaign_contacts" WHERE "state" = 'dialling') AS "work"`,
  );
  return rows[0]?.work === true;
}

/**
 * Settles every contact whose current run has ended: `completed` when the run completed; back to
 * `queued` after `retry_delay_s` when the run failed with a reason of the campaign's `retry_on` and
 * dials are left (and the campaign is not cancelled); `failed` with the run's end reason otherwise
 * (`run_missing` when the run was deleted). Returns how many were settled.
 */
export async function settleEndedRuns(pool: pg.Pool, now: Date): Promise<number> {
  return execute(
    pool,
    sql`WITH ended AS (
          SELECT c."id", r."id" IS NULL AS "missing", r."state"::text AS "run_state", r."end_reason",
                 COALESCE(r."ended_at", ${now}::timestamp(3)) AS "ended_at", k."retry_delay_s",
                 (r."state" = 'failed' AND k."state" <> 'cancelled' AND r."end_reason" = ANY(k."retry_on")
                   AND c."attempts" < k."retry_attempts") AS "retry"
            FROM "campaign_contacts" c
            JOIN "campaigns" k ON k."id" = c."campaign_id"
            LEFT JOIN "workflow_runs" r ON r."id" = c."current_run_id"
           WHERE c."state" = 'dialling' AND c."current_run_id" IS NOT NULL
             AND (r."id" IS NULL OR r."state" IN ('completed', 'failed'))
           LIMIT ${BATCH}
           FOR UPDATE OF c SKIP LOCKED
        )
        UPDATE "campaign_contacts" c SET
          "state" = (CASE WHEN e."run_state" = 'completed' THEN 'completed' WHEN e."retry" THEN 'queued' ELSE 'failed' END)::"CampaignContactState",
          "last_end_reason" = CASE WHEN e."missing" THEN 'run_missing' ELSE e."end_reason" END,
          "next_attempt_at" = CASE WHEN e."retry" THEN GREATEST(${now}::timestamp(3), e."ended_at" + make_interval(secs => e."retry_delay_s"))
                                   ELSE c."next_attempt_at" END,
          "current_run_id" = NULL,
          "dial_at" = NULL,
          "updated_at" = ${now}
        FROM ended e
        WHERE c."id" = e."id"`,
  );
}

/**
 * Claims left without a run for longer than `staleMs` after their slot (the dial job was lost: a
 * process died between the claim and the call): the run placed for that attempt is adopted when
 * there is one (found by the `logs.outbound` it was placed with), else the contact goes back to
 * the queue (`cancelled` when its campaign was) without the attempt counting.
 */
export async function recoverStaleClaims(pool: pg.Pool, now: Date, staleMs: number): Promise<number> {
  return execute(
    pool,
    sql`WITH stale AS (
          SELECT c."id", c."attempts", c."dial_at", k."organization_id", k."state" AS "campaign_state"
            FROM "campaign_contacts" c JOIN "campaigns" k ON k."id" = c."campaign_id"
           WHERE c."state" = 'dialling' AND c."current_run_id" IS NULL AND c."dial_at" < ${new Date(now.getTime() - staleMs)}::timestamp(3)
           LIMIT ${BATCH}
           FOR UPDATE OF c SKIP LOCKED
        ), found AS (
          SELECT s.*, (SELECT r."id" FROM "workflow_runs" r
                        WHERE r."organization_id" = s."organization_id" AND r."created_at" >= s."dial_at" - interval '1 minute'
                          AND r."logs" -> 'outbound' ->> 'contact_id' = s."id"
                          AND r."logs" -> 'outbound' ->> 'attempt' = s."attempts"::text
                        ORDER BY r."created_at" LIMIT 1) AS "run_id"
            FROM stale s
        )
        UPDATE "campaign_contacts" c SET
          "current_run_id" = f."run_id",
          "run_ids" = CASE WHEN f."run_id" IS NULL THEN c."run_ids" ELSE array_append(c."run_ids", f."run_id") END,
          "state" = (CASE WHEN f."run_id" IS NOT NULL THEN 'dialling' WHEN f."campaign_state" = 'cancelled' THEN 'cancelled' ELSE 'queued' END)::"CampaignContactState",
          "attempts" = CASE WHEN f."run_id" IS NULL THEN c."attempts" - 1 ELSE c."attempts" END,
          "dial_at" = CASE WHEN f."run_id" IS NULL THEN NULL ELSE c."dial_at" END,
          "updated_at" = ${now}
        FROM found f
        WHERE c."id" = f."id"`,
  );
}

/** Running and paused campaigns with no contact left to dial or being dialled become `completed`. */
export async function completeFinishedCampaigns(pool: pg.Pool, now: Date): Promise<number> {
  return execute(
    pool,
    sql`UPDATE "campaigns" k SET "state" = 'completed', "ended_at" = ${now}, "updated_at" = ${now}
         WHERE k."state" IN ('running', 'paused')
           AND NOT EXISTS (SELECT 1 FROM "campaign_contacts" c WHERE c."campaign_id" = k."id" AND c."state" IN ('queued', 'dialling'))`,
  );
}

/** A contact given a slot: the dial job places its call at `dialAt`. */
export interface Claim {
  contactId: string;
  attempt: number;
  dialAt: Date;
}

/** Running campaigns with a contact due now (capped: the next pass takes the rest). */
async function campaignsWithDueContacts(pool: pg.Pool, now: Date): Promise<string[]> {
  const rows = await query<{ id: string }>(
    pool,
    sql`SELECT k."id" FROM "campaigns" k
         WHERE k."state" = 'running'
           AND EXISTS (SELECT 1 FROM "campaign_contacts" c WHERE c."campaign_id" = k."id" AND c."state" = 'queued' AND c."next_attempt_at" <= ${now}::timestamp(3))
         ORDER BY k."next_dial_at" LIMIT ${BATCH}`,
  );
  return rows.map((r) => r.id);
}

/**
 * Gives slots to contacts of campaign `id` (running, and not held by another replica) for the pass
 * at `now`: as many as its pacing allows within `horizonMs` ({@link reserveSlots}), its free
 * concurrency (contacts being dialled count, claims included) and its calling window permit. The
 * claimed contacts become `dialling` with their attempt counted and slot set, and the campaign's
 * `next_dial_at` moves past them, in one transaction.
 */
async function claimForCampaign(pool: pg.Pool, id: string, now: Date, horizonMs: number): Promise<Claim[]> {
  return transaction(pool, async (client) => {
    const [campaign] = await query<{ calls_per_second: number; max_concurrent: number; next_dial_at: Date; window: CallingWindow | null }>(
      client,
      sql`SELECT "calls_per_second", "max_concurrent", "next_dial_at", "window" FROM "campaigns"
           WHERE "id" = ${id} AND "state" = 'running' FOR UPDATE SKIP LOCKED`,
    );
    if (!campaign) return [];
    const [{ dialling } = { dialling: 0 }] = await query<{ dialling: number }>(
      client,
      sql`SELECT count(*)::int AS "dialling" FROM "campaign_contacts" WHERE "campaign_id" = ${id} AND "state" = 'dialling'`,
    );
    const window = campaign.window;
    const reservation = reserveSlots({
      now: now.getTime(),
      nextDialAt: campaign.next_dial_at.getTime(),
      callsPerSecond: campaign.calls_per_second,
      horizonMs,
      max: freeConcurrency(campaign.max_concurrent, dialling),
      allowed: window === null ? undefined : (at) => isWithinWindow(window, new Date(at)),
    });
    if (reservation.slots.length === 0) return [];
    const picked = await query<{ id: string; attempts: number }>(
      client,
      sql`SELECT "id", "attempts" FROM "campaign_contacts"
           WHERE "campaign_id" = ${id} AND "state" = 'queued' AND "next_attempt_at" <= ${now}::timestamp(3)
           ORDER BY "next_attempt_at", "position" LIMIT ${reservation.slots.length}
           FOR UPDATE SKIP LOCKED`,
    );
    if (picked.length === 0) return [];
    const slots = reservation.slots.slice(0, picked.length).map((at) => new Date(at));
    await execute(
      client,
      sql`UPDATE "campaign_contacts" c SET "state" = 'dialling', "attempts" = c."attempts" + 1, "dial_at" = s."dial_at", "updated_at" = ${now}
            FROM unnest(${picked.map((p) => p.id)}::text[], ${slots.map((d) => d.toISOString())}::timestamp(3)[]) AS s("id", "dial_at")
           WHERE c."id" = s."id"`,
    );
    const nextDialAt = new Date(slots[slots.length - 1]!.getTime() + dialIntervalMs(campaign.calls_per_second));
    await execute(client, sql`UPDATE "campaigns" SET "next_dial_at" = ${nextDialAt} WHERE "id" = ${id}`);
    return picked.map((p, i) => ({ contactId: p.id, attempt: p.attempts + 1, dialAt: slots[i]! }));
  });
}

/** Gives slots to the due contacts of every running campaign ({@link claimForCampaign}). */
export async function claimDueContacts(pool: pg.Pool, now: Date, horizonMs: number): Promise<Claim[]> {
  const claims: Claim[] = [];
  for (const id of await campaignsWithDueContacts(pool, now)) claims.push(...(await claimForCampaign(pool, id, now, horizonMs)));
  return claims;
}

/**
 * The rate gate of campaign `id`, taken right before a call is placed: succeeds (and records the
 * dial) only when the campaign's previous dial is at least `intervalMs` old, so that a dial job
 * woken late never follows its predecessor closer than the rate allows. Otherwise resolves with
 * how long to wait before trying again.
 */
export async function takeDialTurn(pool: pg.Pool, id: string, intervalMs: number): Promise<{ ok: true; at: Date } | { ok: false; waitMs: number }> {
  const now = new Date();
  const taken = await execute(
    pool,
    sql`UPDATE "campaigns" SET "last_dial_at" = ${now}
         WHERE "id" = ${id} AND ("last_dial_at" IS NULL OR "last_dial_at" <= ${new Date(now.getTime() - intervalMs)}::timestamp(3))`,
  );
  if (taken > 0) return { ok: true, at: now };
  const [row] = await query<{ last_dial_at: Date | null }>(pool, sql`SELECT "last_dial_at" FROM "campaigns" WHERE "id" = ${id}`);
  const last = row?.last_dial_at?.getTime() ?? now.getTime();
  return { ok: false, waitMs: Math.max(1, last + intervalMs - now.getTime()) };
}

/** A claimed contact with what its dial needs of the campaign. */
export interface ClaimedContact {
  id: string;
  campaignId: string;
  organizationId: string;
  state: CampaignContactState;
  attempts: number;
  currentRunId: string | null;
  dialAt: Date | null;
  toNumber: string;
  initialContext: Record<string, unknown>;
  campaignState: CampaignState;
  agentUuid: string;
  telephonyConfigurationId: string;
  fromNumber: string | null;
  maxDurationS: number | null;
  callsPerSecond: number;
}

/** Contact `id` with its campaign, or undefined. */
export async function findClaimedContact(pool: SqlRunner, id: string): Promise<ClaimedContact | undefined> {
  const [row] = await query<ClaimedContact>(
    pool,
    sql`SELECT c."id", c."campaign_id" AS "campaignId", k."organization_id" AS "organizationId", c."state", c."attempts",
               c."current_run_id" AS "currentRunId", c."dial_at" AS "dialAt", c."to_number" AS "toNumber",
               c."initial_context" AS "initialContext", k."state" AS "campaignState", k."agent_uuid" AS "agentUuid",
               k."telephony_configuration_id" AS "telephonyConfigurationId", k."from_number" AS "fromNumber",
               k."max_duration_s" AS "maxDurationS", k."calls_per_second" AS "callsPerSecond"
          FROM "campaign_contacts" c JOIN "campaigns" k ON k."id" = c."campaign_id"
         WHERE c."id" = ${id}`,
  );
  return row;
}

/** The condition that the claim of `attempt` is still open: dialling, that attempt, no run recorded. */
const openClaim = (id: string, attempt: number) => sql`"id" = ${id} AND "state" = 'dialling' AND "attempts" = ${attempt} AND "current_run_id" IS NULL`;

/** The run placed for the claim; false when the claim was no longer open. */
export async function recordClaimRun(pool: pg.Pool, id: string, attempt: number, runId: string): Promise<boolean> {
  const n = await execute(
    pool,
    sql`UPDATE "campaign_contacts" SET "current_run_id" = ${runId}, "run_ids" = array_append("run_ids", ${runId}), "updated_at" = ${new Date()}
         WHERE ${openClaim(id, attempt)}`,
  );
  return n > 0;
}

/** Gives the claim up without counting its attempt: `queued` again from `nextAttemptAt`, or `cancelled`. */
export async function releaseClaim(pool: pg.Pool, id: string, attempt: number, to: { state: 'queued'; nextAttemptAt: Date } | { state: 'cancelled' }): Promise<void> {
  const nextAttemptAt = to.state === 'queued' ? to.nextAttemptAt : null;
  await execute(
    pool,
    sql`UPDATE "campaign_contacts" SET "state" = ${to.state}::"CampaignContactState", "attempts" = "attempts" - 1, "dial_at" = NULL,
           "next_attempt_at" = COALESCE(${nextAttemptAt}::timestamp(3), "next_attempt_at"), "updated_at" = ${new Date()}
         WHERE ${openClaim(id, attempt)}`,
  );
}

/** Ends the claim `failed` with `reason` (a number the provider path refuses). */
export async function failClaim(pool: pg.Pool, id: string, attempt: number, reason: string): Promise<void> {
  await execute(
    pool,
    sql`UPDATE "campaign_contacts" SET "state" = 'failed', "last_end_reason" = ${reason}, "dial_at" = NULL, "updated_at" = ${new Date()}
         WHERE ${openClaim(id, attempt)}`,
  );
}

/** The run already placed for attempt `attempt` of contact `contactId` (a job run again after a crash), if any. */
export async function findPlacedRun(pool: pg.Pool, organizationId: string, contactId: string, attempt: number, since: Date): Promise<string | undefined> {
  const [row] = await query<{ id: string }>(
    pool,
    sql`SELECT "id" FROM "workflow_runs"
         WHERE "organization_id" = ${organizationId} AND "created_at" >= ${new Date(since.getTime() - 60_000)}::timestamp(3)
           AND "logs" -> 'outbound' ->> 'contact_id' = ${contactId} AND "logs" -> 'outbound' ->> 'attempt' = ${String(attempt)}
         LIMIT 1`,
  );
  return row?.id;
}
