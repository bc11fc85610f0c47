import { RunState } from '@vr3/protocol';
import type { Prisma, WorkflowRun } from '../generated/prisma/client.ts';
import type { Db } from './prisma.ts';
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
  edgeId: string;
  initialContext: Prisma.InputJsonObject;
  gatheredContext: Prisma.InputJsonObject;
  logs: Prisma.InputJsonObject;
}

/** Outcome of {@link admitRun}. */
export type AdmissionResult = { ok: true; run: WorkflowRun } | ({ ok: false } & QuotaRefusal);

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
  const run = await insertRun(prisma, input, now);
  const slot = await takeQuotaSlot(prisma, run.id, input.userId, now);
  if (slot.ok) return { ok: true, run: { ...run, quotaHeld: true } };
  await prisma.workflowRun.deleteMany({ where: { id: run.id, quotaHeld: false } });
  return slot;
}

/** Inserts the run `initialized`, without a quota slot. A run-name collision (36^8 space) mints again once. */
async function insertRun(prisma: Db, input: AdmissionInput, now: Date): Promise<WorkflowRun> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await prisma.workflowRun.create({
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
    } catch (err) {
      if ((err as { code?: string }).code === 'P2002' && attempt === 0) continue;
      throw err;
    }
  }
}
