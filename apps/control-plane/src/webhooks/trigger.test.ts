/**
 * The trigger `webhook_run_event` (migration 20261207010000): a run's state change writes its
 * webhook job in the same transaction, so the job and the change commit or roll back together,
 * and only for the changes and agents that have one.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrisma, type Db } from '../db/prisma.ts';
import { ensureBootstrap } from '../db/bootstrap.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { deliverJobId, WEBHOOK_DELIVER_JOB } from './policy.ts';

let server: TestPostgres;
let prisma: Db;
let userId: string;
let organizationId: string;

beforeAll(async () => {
  server = await startTestPostgres();
  prisma = createPrisma(await server.createDatabase());
  const boot = await ensureBootstrap(prisma, { apiKey: `vr3_test_${randomUUID().replace(/-/g, '')}` });
  userId = boot.userId;
  organizationId = boot.organizationId;
});
afterAll(async () => {
  await prisma?.$disconnect();
  await server?.stop();
});

/** An agent (with a webhook or not) and one `initialized` run of it. */
async function runOf(webhook: boolean): Promise<string> {
  const agent = await prisma.agent.create({
    data: {
      uuid: randomUUID(),
      organizationId,
      userId,
      name: 'trigger',
      ...(webhook ? { webhookUrl: 'https://hooks.example.com/x', webhookSecretCiphertext: 'v1.sealed' } : {}),
      versions: { create: { version: 1, status: 'draft', engine: { type: 'echo' } } },
    },
    include: { versions: true },
  });
  const run = await prisma.workflowRun.create({
    data: {
      name: `WR-AGS-${randomUUID().slice(0, 8).toUpperCase()}`,
      organizationId,
      userId,
      agentId: agent.id,
      agentUuid: agent.uuid,
      agentVersionId: agent.versions[0]!.id,
      callType: 'inbound',
      mode: 'cloudonix',
    },
  });
  return run.id;
}

const jobsOf = async (runId: string) =>
  (await prisma.jobOutbox.findMany({ where: { name: WEBHOOK_DELIVER_JOB.name }, orderBy: { id: 'asc' } })).filter((j) => (j.data as { run_id?: string }).run_id === runId);

describe('webhook_run_event', () => {
  it('queues run.started and run.ended with the state changes that make them', async () => {
    const runId = await runOf(true);
    await prisma.workflowRun.update({ where: { id: runId }, data: { logs: { touched: true } } });
    expect(await jobsOf(runId)).toHaveLength(0);
    await prisma.workflowRun.update({ where: { id: runId }, data: { state: 'running', startedAt: new Date() } });
    await prisma.workflowRun.update({ where: { id: runId }, data: { state: 'completed', endedAt: new Date() } });
    // A terminal run changed again (never by the product) is no new event.
    await prisma.workflowRun.update({ where: { id: runId }, data: { state: 'failed' } });
    const jobs = await jobsOf(runId);
    expect(jobs.map((j) => (j.data as { event: string }).event)).toEqual(['run.started', 'run.ended']);
    for (const job of jobs) {
      const data = job.data as { delivery_id: string };
      // The trigger's job is the one `webhook.sweep` queues for a retry.
      expect(job).toMatchObject({ jobId: deliverJobId(data.delivery_id), state: 'pending', attempts: WEBHOOK_DELIVER_JOB.attempts, backoffMs: WEBHOOK_DELIVER_JOB.backoffMs });
    }
  });

  it('writes nothing when the state change rolls back, or for an agent without a webhook', async () => {
    const runId = await runOf(true);
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.workflowRun.update({ where: { id: runId }, data: { state: 'failed', endedAt: new Date() } });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await jobsOf(runId)).toHaveLength(0);

    const quiet = await runOf(false);
    await prisma.workflowRun.update({ where: { id: quiet }, data: { state: 'failed', endedAt: new Date() } });
    expect(await jobsOf(quiet)).toHaveLength(0);
  });
});
