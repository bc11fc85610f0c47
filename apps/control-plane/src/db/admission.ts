import { randomUUID } from 'node:crypto';
import type { Prisma } from '../generated/prisma/client.ts';
import { poolOf, type Db } from './prisma.ts';
import { execute, sql, type SqlRunner } from './sql.ts';
import { mintRunName } from './runs.ts';
import { takeQuotaSlot, type QuotaRefusal } from './usage.ts';

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
  /** `null` for a run minted before any stream (an outbound call being placed). */
  edgeId: string | null;
  /** `inbound` (a stream came in) unless given: `outbound` for a call the product places. */
  callType?: 'inbound' | 'outbound' | undefined;
  initialContext: Prisma.InputJsonObject;
  gatheredContext: Prisma.InputJsonObject;
  logs: Prisma.InputJsonObject;
}

/** What admission returns of the run it minted. */
export interface MintedRun {
  id: string;
  name: string;
  initialContext: Record<string, unknown>;
}

/** Outcome of {@link admitRun}. */
export type AdmissionResult = { ok: true; run: MintedRun } | ({ ok: false } & QuotaRefusal);

/** Options of {@link admitRun}. */
export interface AdmissionOptions {
  /** Clock, for tests. */
  now?: Date;
}

/**
 * Mints the run, then takes its user's quota slot with one conditional counter update
 * ({@link takeQuotaSlot}): no transaction spans the two, the insert holds no lock, and two
 * admissions never both take the last slot. A refused run is deleted (it never streamed); one
 * left behind by a crash between the two statements is `initialized` without a slot, and the
 * reaper ends it after the handshake deadline.
 */
export async function admitRun(prisma: Db, input: AdmissionInput, options: AdmissionOptions = {}): Promise<AdmissionResult> {
  const now = options.now ?? new Date();
  const pool = poolOf(prisma);
  const run = await insertRun(pool, input, now);
  const slot = await takeQuotaSlot(prisma, run.id, input.userId, now);
  if (slot.ok) return { ok: true, run };
  await execute(pool, sql`DELETE FROM "workflow_runs" WHERE "id" = ${run.id} AND NOT "quota_held"`);
  return slot;
}

/** Unique violation (SQLSTATE 23505): the minted run name was taken. */
const UNIQUE_VIOLATION = '23505';

/** Inserts the run `initialized`, without a quota slot. A run-name collision (36^8 space) mints again once. */
async function insertRun(pool: SqlRunner, input: AdmissionInput, now: Date): Promise<MintedRun> {
  for (let attempt = 0; ; attempt++) {
    const id = randomUUID();
    const name = mintRunName();
    try {
      await execute(
        pool,
        sql`
        INSERT INTO "workflow_runs" ("id", "name", "organization_id", "user_id", "agent_id", "agent_uuid", "agent_version_id",
          "call_type", "mode", "state", "initial_context", "gathered_context", "logs", "telephony_configuration_id", "edge_id", "created_at")
        VALUES (${id}, ${name}, ${input.organizationId}, ${input.userId}, ${input.agentId}, ${input.agentUuid}, ${input.agentVersionId},
          ${input.callType ?? 'inbound'}, ${input.provider}, 'initialized', ${JSON.stringify(input.initialContext)}::jsonb, ${JSON.stringify(input.gatheredContext)}::jsonb,
          ${JSON.stringify(input.logs)}::jsonb, ${input.telephonyConfigurationId}, ${input.edgeId}, ${now}::timestamp(3))`,
      );
      return { id, name, initialContext: { ...input.initialContext } };
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION && attempt === 0) continue;
      throw err;
    }
  }
}
