/**
 * Campaign rows as the REST API reads and changes them: creation with its contacts, lookups, pages,
 * progress counts, and the state changes a person asks for (pause, resume, cancel).
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Prisma } from '../generated/prisma/client.ts';
import type { Campaign, CampaignContact, CampaignContactState } from '../generated/prisma/client.ts';
import type { Db } from '../db/prisma.ts';
import { query, sql, transaction } from '../db/sql.ts';
import type { Contact } from './contacts.ts';
import type { CampaignSettings } from './settings.ts';

/** Contacts inserted per statement. */
const INSERT_BATCH = 1_000;

/** Creates campaign `settings` of `organizationId` with `contacts` (state `running`), in one transaction. */
export async function createCampaign(pool: pg.Pool, organizationId: string, settings: CampaignSettings, contacts: readonly Contact[]): Promise<string> {
  const id = randomUUID();
  const now = new Date();
  await transaction(pool, async (client) => {
    await client.query(
      `INSERT INTO "campaigns" ("id", "organization_id", "name", "agent_uuid", "telephony_configuration_id", "from_number",
         "calls_per_second", "max_concurrent", "max_duration_s", "retry_on", "retry_attempts", "retry_delay_s", "window",
         "state", "next_dial_at", "created_at", "updated_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'running', $14, $14, $14)`,
      [
        id,
        organizationId,
        settings.name ?? `Campaign ${now.toISOString().slice(0, 16).replace('T', ' ')}`,
        settings.agent_uuid.toLowerCase(),
        settings.telephony_configuration_id,
        settings.from ?? null,
        settings.calls_per_second,
        settings.max_concurrent,
        settings.max_duration_s ?? null,
        settings.retry?.on ?? [],
        settings.retry?.attempts ?? 1,
        settings.retry?.delay_s ?? 0,
        settings.window === undefined ? null : JSON.stringify(settings.window),
        now.toISOString(),
      ],
    );
    for (let start = 0; start < contacts.length; start += INSERT_BATCH) {
      const batch = contacts.slice(start, start + INSERT_BATCH);
      await client.query(
        `INSERT INTO "campaign_contacts" ("id", "campaign_id", "position", "to_number", "initial_context", "next_attempt_at", "updated_at")
         SELECT gen_random_uuid()::text, $1, $2::int + c.ord::int, c.to_number, c.context, $5, $5
           FROM unnest($3::text[], $4::jsonb[]) WITH ORDINALITY AS c("to_number", "context", "ord")`,
        [id, start, batch.map((c) => c.to), batch.map((c) => JSON.stringify(c.initialContext)), now.toISOString()],
      );
    }
  });
  return id;
}

/** Campaign `id` of `organizationId`, or undefined (another organization's included). */
export async function findCampaign(db: Db, organizationId: string, id: string): Promise<Campaign | undefined> {
  return (await db.campaign.findFirst({ where: { id, organizationId } })) ?? undefined;
}

/** A row's place in newest-first order. */
export interface CampaignCursor {
  createdAt: Date;
  id: string;
}

/** One page of an organization's campaigns, newest first; `next` is set when more follow. */
export async function listCampaigns(db: Db, organizationId: string, page: { limit: number; after?: CampaignCursor | undefined }): Promise<{ rows: Campaign[]; next: CampaignCursor | null }> {
  const where: Prisma.CampaignWhereInput = { organizationId };
  if (page.after) where.OR = [{ createdAt: { lt: page.after.createdAt } }, { createdAt: page.after.createdAt, id: { lt: page.after.id } }];
  const found = await db.campaign.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: page.limit + 1 });
  const rows = found.slice(0, page.limit);
  const last = rows[rows.length - 1];
  return { rows, next: found.length > page.limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}

/** One page of a campaign's contacts in list order (after `afterPosition`), optionally in one state. */
export async function listContacts(
  db: Db,
  campaignId: string,
  page: { limit: number; afterPosition?: number | undefined; state?: CampaignContactState | undefined },
): Promise<{ rows: CampaignContact[]; next: number | null }> {
  const where: Prisma.CampaignContactWhereInput = { campaignId };
  if (page.state) where.state = page.state;
  if (page.afterPosition !== undefined) where.position = { gt: page.afterPosition };
  const found = await db.campaignContact.findMany({ where, orderBy: { position: 'asc' }, take: page.limit + 1 });
  const rows = found.slice(0, page.limit);
  const last = rows[rows.length - 1];
  return { rows, next: found.length > page.limit && last ? last.position : null };
}

/** Contacts of a campaign by state, failures by their last end reason, and dials made. */
export interface CampaignProgress {
  total: number;
  queued: number;
  dialling: number;
  completed: number;
  failed: number;
  cancelled: number;
  /** Failed contacts by the end reason of their last attempt (`busy`, `no_answer`, `provider_failed`…). */
  failed_by_reason: Record<string, number>;
  /** Dials made, retries included. */
  dials: number;
}

/** The progress of each of `campaignIds` (every id present, zeros for none). */
export async function campaignProgress(pool: pg.Pool, campaignIds: readonly string[]): Promise<Map<string, CampaignProgress>> {
  const out = new Map<string, CampaignProgress>();
  for (const id of campaignIds) out.set(id, { total: 0, queued: 0, dialling: 0, completed: 0, failed: 0, cancelled: 0, failed_by_reason: {}, dials: 0 });
  if (campaignIds.length === 0) return out;
  const rows = await query<{ campaign_id: string; state: CampaignContactState; reason: string | null; n: number; dials: number }>(
    pool,
    sql`SELECT "campaign_id", "state", CASE WHEN "state" = 'failed' THEN "last_end_reason" END AS "reason",
               count(*)::int AS "n", sum("attempts")::int AS "dials"
          FROM "campaign_contacts" WHERE "campaign_id" = ANY(${[...campaignIds]}::text[])
         GROUP BY 1, 2, 3`,
  );
  for (const row of rows) {
    const p = out.get(row.campaign_id)!;
    p.total += row.n;
    p[row.state] += row.n;
    p.dials += row.dials;
    if (row.state === 'failed') {
      const reason = row.reason ?? 'unknown';
      p.failed_by_reason[reason] = (p.failed_by_reason[reason] ?? 0) + row.n;
    }
  }
  return out;
}

/** What a state change did: `changed` false when the campaign was already there or could not move. */
export interface TransitionResult {
  found: boolean;
  changed: boolean;
  state: Campaign['state'] | null;
}

async function transition(pool: pg.Pool | pg.PoolClient, organizationId: string, id: string, from: readonly Campaign['state'][], set: ReturnType<typeof sql>): Promise<TransitionResult> {
  const changed = await query<{ state: Campaign['state'] }>(
    pool,
    sql`UPDATE "campaigns" SET ${set}, "updated_at" = ${new Date()}
         WHERE "id" = ${id} AND "organization_id" = ${organizationId} AND "state"::text = ANY(${[...from]}::text[])
        RETURNING "state"`,
  );
  if (changed.length > 0) return { found: true, changed: true, state: changed[0]!.state };
  const current = await query<{ state: Campaign['state'] }>(pool, sql`SELECT "state" FROM "campaigns" WHERE "id" = ${id} AND "organization_id" = ${organizationId}`);
  return { found: current.length > 0, changed: false, state: current[0]?.state ?? null };
}

/** `running` → `paused`: the dialer gives it no more slots; calls in progress carry on. */
export function pauseCampaign(pool: pg.Pool, organizationId: string, id: string, reason: string | null = null): Promise<TransitionResult> {
  return transition(pool, organizationId, id, ['running'], sql`"state" = 'paused', "paused_reason" = ${reason}`);
}

/** `paused` → `running`. */
export function resumeCampaign(pool: pg.Pool, organizationId: string, id: string): Promise<TransitionResult> {
  return transition(pool, organizationId, id, ['paused'], sql`"state" = 'running', "paused_reason" = NULL`);
}

/** `running`/`paused` → `cancelled`, with every contact still queued; calls in progress carry on. */
export async function cancelCampaign(pool: pg.Pool, organizationId: string, id: string): Promise<TransitionResult> {
  return transaction(pool, async (client) => {
    const now = new Date();
    const result = await transition(client, organizationId, id, ['running', 'paused'], sql`"state" = 'cancelled', "ended_at" = ${now}`);
    if (result.changed) {
      await client.query(`UPDATE "campaign_contacts" SET "state" = 'cancelled', "updated_at" = $2 WHERE "campaign_id" = $1 AND "state" = 'queued'`, [id, now.toISOString()]);
    }
    return result;
  });
}
