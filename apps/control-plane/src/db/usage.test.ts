import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { admitStream, createAgentStreamFixture, type AgentStreamFixture } from '../testing/fixtures.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { failActiveRuns, finalizeRun } from './runs.ts';
import { slotPoolOf } from './prisma.ts';
import { findUsageDrift, readUsage, reconcileUsage } from './usage.ts';

let server: TestPostgres;
let databaseUrl: string;
const secretKey = randomBytes(32);
let cp: TestControlPlane;

beforeAll(async () => {
  server = await startTestPostgres();
  databaseUrl = await server.createDatabase();
  cp = await startTestControlPlane({ databaseUrl, secretKey });
});
afterAll(async () => {
  await cp?.close();
  await server?.stop();
});

let n = 0;
/** A fresh user owning a fresh agent, with the given quota (so tests do not share counters). */
async function customer(quota: { max_concurrent_calls: number | null; monthly_call_seconds: number | null }) {
  const domain = `usage${++n}`;
  const user = await cp.prisma.user.create({ data: { organizationId: cp.organizationId, name: `u-${domain}` } });
  const fx = await createAgentStreamFixture(cp, { domain });
  await cp.prisma.agent.update({ where: { uuid: fx.agentUuid }, data: { userId: user.id } });
  const put = await cp.api('PUT', `/users/${user.id}/quota`, quota);
  expect(put.status).toBe(200);
  return { ...fx, userId: user.id };
}

async function admit(target: TestControlPlane, fx: AgentStreamFixture) {
  return admitStream(target, fx.agentUuid, { Domain: fx.domain });
}

async function admitted(target: TestControlPlane, fx: AgentStreamFixture): Promise<string> {
  const res = await admit(target, fx);
  if (!res.ok) throw new Error(`not admitted: ${res.error.code}`);
  return res.run.id;
}

const liveRuns = (userId: string) => cp.prisma.workflowRun.count({ where: { userId, state: { in: ['initialized', 'running'] } } });
const usage = (userId: string) => readUsage(cp.prisma, userId, new Date());

/** Starts a run `seconds` ago, so its finalize records that duration. */
const startedAgo = (runId: string, seconds: number) =>
  cp.prisma.workflowRun.update({ where: { id: runId }, data: { state: 'running', startedAt: new Date(Date.now() - seconds * 1000 - 200) } });

describe('quota counters', () => {
  it('N parallel admissions for the last K slots admit exactly K; the refused leave no run behind', async () => {
    const fx = await customer({ max_concurrent_calls: 10, monthly_call_seconds: null });
    for (let i = 0; i < 3; i++) await admitted(cp, fx);
    const results = await Promise.all(Array.from({ length: 60 }, () => admit(cp, fx)));
    expect(results.filter((r) => r.ok)).toHaveLength(7);
    expect(results.filter((r) => !r.ok && r.error.code === 'quota_exceeded')).toHaveLength(53);
    expect(await usage(fx.userId)).toEqual({ activeCalls: 10, monthSeconds: 0 });
    expect(await liveRuns(fx.userId)).toBe(10);
    expect(await cp.prisma.workflowRun.count({ where: { userId: fx.userId } })).toBe(10);
  });

  it('admissions of one user arriving together share slot statements, and two replicas racing still admit exactly the free slots', async () => {
    const replica = await startTestControlPlane({ databaseUrl, secretKey });
    const pool = slotPoolOf(cp.prisma);
    const slotStatements: string[] = [];
    const original = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
    (pool as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('FOR UPDATE OF u')) slotStatements.push(args[0]);
      return original(...args);
    };
    try {
      const fx = await customer({ max_concurrent_calls: 25, monthly_call_seconds: null });
      await admitted(cp, fx); // the counter row exists from here on
      const results = await Promise.all([...Array.from({ length: 40 }, () => admit(cp, fx)), ...Array.from({ length: 40 }, () => admit(replica, fx))]);
      expect(results.filter((r) => r.ok)).toHaveLength(24);
      expect(results.filter((r) => !r.ok && r.error.code === 'quota_exceeded')).toHaveLength(56);
      expect(await usage(fx.userId)).toEqual({ activeCalls: 25, monthSeconds: 0 });
      expect(await liveRuns(fx.userId)).toBe(25);
      // 40 admissions on this replica, far fewer slot statements (refused ones re-check once each at most).
      expect(slotStatements.length).toBeGreaterThan(0);
      expect(slotStatements.length).toBeLessThan(40);
    } finally {
      (pool as unknown as { query: unknown }).query = original;
      await replica.close();
    }
  });

  it('a finalize gives the slot back exactly once, however many finalizers race', async () => {
    const fx = await customer({ max_concurrent_calls: 2, monthly_call_seconds: null });
    const a = await admitted(cp, fx);
    await admitted(cp, fx);
    await startedAgo(a, 3);
    const results = await Promise.all(
      ['caller_hangup', 'edge_lost', 'api_hangup', 'stream_closed'].map((endReason) =>
        finalizeRun(cp.prisma, { runId: a, state: 'completed', endReason: endReason as 'caller_hangup' }),
      ),
    );
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    expect(await usage(fx.userId)).toEqual({ activeCalls: 1, monthSeconds: 3 });
    // One slot free again: exactly one more admission.
    const next = await Promise.all([admit(cp, fx), admit(cp, fx)]);
    expect(next.filter((r) => r.ok)).toHaveLength(1);
  });

  it('a run left without a slot (crash between insert and slot) neither counts nor gives back', async () => {
    const fx = await customer({ max_concurrent_calls: 1, monthly_call_seconds: null });
    const held = await admitted(cp, fx);
    const template = await cp.prisma.workflowRun.findUniqueOrThrow({ where: { id: held } });
    const orphan = await cp.prisma.workflowRun.create({
      data: {
        name: `WR-AGS-ORPH${n}`.slice(0, 15),
        organizationId: template.organizationId,
        userId: template.userId,
        agentId: template.agentId,
        agentUuid: template.agentUuid,
        agentVersionId: template.agentVersionId,
        callType: 'inbound',
        mode: 'cloudonix',
      },
    });
    expect(await findUsageDrift(cp.prisma)).not.toContain(fx.userId);
    await finalizeRun(cp.prisma, { runId: orphan.id, state: 'failed', endReason: 'handshake_timeout' });
    expect(await usage(fx.userId)).toEqual({ activeCalls: 1, monthSeconds: 0 });
    expect((await admit(cp, fx)).ok).toBe(false);
  });

  it('reconciliation finds and fixes drift (a live run deleted behind the counters\' back)', async () => {
    const fx = await customer({ max_concurrent_calls: 2, monthly_call_seconds: null });
    const a = await admitted(cp, fx);
    const b = await admitted(cp, fx);
    await startedAgo(b, 7);
    await finalizeRun(cp.prisma, { runId: b, state: 'completed', endReason: 'caller_hangup' });
    await admitted(cp, fx);
    expect((await admit(cp, fx)).ok).toBe(false);
    await cp.prisma.workflowRun.delete({ where: { id: a } }); // e.g. its agent was deleted
    expect(await usage(fx.userId)).toEqual({ activeCalls: 2, monthSeconds: 7 });
    expect(await findUsageDrift(cp.prisma)).toContain(fx.userId);

    const drifts = await reconcileUsage(cp.prisma, { userIds: [fx.userId] });
    expect(drifts).toEqual([{ userId: fx.userId, activeCallsBefore: 2, activeCalls: 1, periodSecondsBefore: 7, periodSeconds: 7 }]);
    expect(await findUsageDrift(cp.prisma)).not.toContain(fx.userId);
    expect((await admit(cp, fx)).ok).toBe(true);
    expect(await reconcileUsage(cp.prisma, { userIds: [fx.userId] })).toEqual([]);
  });

  it('reconciliation stays exact while admissions and finalizes go on', async () => {
    const fx = await customer({ max_concurrent_calls: 25, monthly_call_seconds: null });
    let stop = false;
    const reconciler = (async () => {
      let passes = 0;
      while (!stop) {
        await reconcileUsage(cp.prisma, { userIds: [fx.userId] });
        passes++;
      }
      return passes;
    })();
    const churn = Array.from({ length: 8 }, async () => {
      for (let i = 0; i < 12; i++) {
        const res = await admit(cp, fx);
        if (res.ok && i % 3 !== 0) await finalizeRun(cp.prisma, { runId: res.run.id, state: 'completed', endReason: 'caller_hangup' });
      }
    });
    await Promise.all(churn);
    stop = true;
    expect(await reconciler).toBeGreaterThan(0);
    const live = await liveRuns(fx.userId);
    expect(live).toBeGreaterThan(0);
    expect((await usage(fx.userId)).activeCalls).toBe(live);
    expect(await findUsageDrift(cp.prisma)).not.toContain(fx.userId);
  });

  it('the monthly-seconds limit holds across control-plane replicas of one database', async () => {
    const replica = await startTestControlPlane({ databaseUrl, secretKey });
    try {
      const fx = await customer({ max_concurrent_calls: null, monthly_call_seconds: 30 });
      const onA = await admitted(cp, fx);
      const onB = await admitted(replica, fx);
      await startedAgo(onA, 12);
      await startedAgo(onB, 20);
      await finalizeRun(cp.prisma, { runId: onA, state: 'completed', endReason: 'caller_hangup' });
      // 12 s used: both replicas still admit.
      const more = await admitted(replica, fx);
      await finalizeRun(replica.prisma, { runId: more, state: 'completed', endReason: 'caller_hangup' });
      await finalizeRun(replica.prisma, { runId: onB, state: 'completed', endReason: 'caller_hangup' });
      // 32 s used: neither replica admits.
      expect(await usage(fx.userId)).toEqual({ activeCalls: 0, monthSeconds: 32 });
      expect(await admit(cp, fx)).toMatchObject({ ok: false, error: { code: 'quota_exceeded' } });
      expect(await admit(replica, fx)).toMatchObject({ ok: false, error: { code: 'quota_exceeded' } });
      const view = await replica.api('GET', `/users/${fx.userId}/quota`);
      expect(view.body.usage).toEqual({ active_calls: 0, month_call_seconds: 32 });
    } finally {
      await replica.close();
    }
  });
});

describe('crash recovery', () => {
  it('ends live runs at their edge\'s last heartbeat (or start), gives their slots back, and names the started ones', async () => {
    const fx = await customer({ max_concurrent_calls: 3, monthly_call_seconds: null });
    const edgeId = `edge-crashed-${n}`;
    const lastSeen = new Date(Date.now() - 60_000);
    await cp.prisma.mediaEdge.create({ data: { id: edgeId, lastSeenAt: lastSeen, runIds: [] } });
    const talking = (await admitStream(cp, fx.agentUuid, { Domain: fx.domain }, { edgeId })) as { ok: true; run: { id: string } };
    const handshaking = (await admitStream(cp, fx.agentUuid, { Domain: fx.domain }, { edgeId })) as { ok: true; run: { id: string } };
    // Started 9 s before the edge's last heartbeat.
    await cp.prisma.workflowRun.update({ where: { id: talking.run.id }, data: { state: 'running', createdAt: new Date(lastSeen.getTime() - 10_000), startedAt: new Date(lastSeen.getTime() - 9_000) } });
    await cp.prisma.workflowRun.update({ where: { id: handshaking.run.id }, data: { createdAt: new Date(lastSeen.getTime() - 1_000) } });

    const ended = await failActiveRuns(cp.prisma, { endReason: 'edge_lost', edgeIds: [edgeId] });
    expect(ended).toEqual(expect.arrayContaining([{ id: talking.run.id, started: true }, { id: handshaking.run.id, started: false }]));
    expect(ended).toHaveLength(2);
    const t = await cp.prisma.workflowRun.findUniqueOrThrow({ where: { id: talking.run.id } });
    expect(t).toMatchObject({ state: 'failed', endReason: 'edge_lost', durationSeconds: 9 });
    expect(t.endedAt?.getTime()).toBe(lastSeen.getTime());
    expect(await usage(fx.userId)).toEqual({ activeCalls: 0, monthSeconds: 9 });
  });
});
