import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readUsage } from '../db/usage.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { admitStream, createAgentStreamFixture, type AgentStreamFixture } from '../testing/fixtures.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { AdmissionGate } from './admission-gate.ts';

const UNDO_GRACE_MS = 300;
let server: TestPostgres;
let cp: TestControlPlane;
let fx: AgentStreamFixture;

beforeAll(async () => {
  server = await startTestPostgres();
  cp = await startTestControlPlane({ databaseUrl: await server.createDatabase(), config: { maxPendingAdmissions: 3, admissionUndoGraceMs: UNDO_GRACE_MS } });
  fx = await createAgentStreamFixture(cp, { domain: 'admit-limits' });
  await cp.api('PUT', `/users/${cp.userId}/quota`, { max_concurrent_calls: 100, monthly_call_seconds: null });
  // The user's counter row exists once a first admission went through.
  const first = await admitStream(cp, fx.agentUuid, { Domain: fx.domain });
  expect(first.ok).toBe(true);
});
afterAll(async () => {
  await cp?.close();
  await server?.stop();
});

/**
 * Holds the user's quota counter row locked for `ms`: admissions block on their slot update
 * (after their run is inserted), as they would behind a database that cannot keep up.
 */
async function holdCounterRow(ms: number): Promise<{ released: Promise<void> }> {
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const released = cp.prisma.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM "user_usage" WHERE "user_id" = ${cp.userId} FOR UPDATE`;
      locked();
      await new Promise((r) => setTimeout(r, ms));
    },
    { timeout: ms + 5_000 },
  );
  await isLocked;
  return { released };
}

/** Locks the agents table for `ms` (even reads wait): admissions stall before they mint anything. */
async function lockAgents(ms: number): Promise<{ released: Promise<void> }> {
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const released = cp.prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`LOCK TABLE "agents" IN ACCESS EXCLUSIVE MODE`;
      locked();
      await new Promise((r) => setTimeout(r, ms));
    },
    { timeout: ms + 5_000 },
  );
  await isLocked;
  return { released };
}

const live = () => cp.prisma.workflowRun.count({ where: { userId: cp.userId, state: { in: ['initialized', 'running'] } } });

describe('StreamAdmit under load', () => {
  it('past maxPendingAdmissions a new admission is refused overloaded at once, minting nothing', async () => {
    const before = await cp.prisma.workflowRun.count();
    const { released } = await holdCounterRow(1_000);
    const blocked = Array.from({ length: 3 }, () => admitStream(cp, fx.agentUuid, { Domain: fx.domain }));
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    const refused = await admitStream(cp, fx.agentUuid, { Domain: fx.domain });
    expect(performance.now() - t0).toBeLessThan(200);
    expect(refused).toEqual({ ok: false, error: { code: 'overloaded', message: 'overloaded' } });
    await released;
    const results = await Promise.all(blocked);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await cp.prisma.workflowRun.count()).toBe(before + 3);
  });

  it('a run minted after the edge stopped waiting is ended at once and its slot given back', async () => {
    const usageBefore = await readUsage(cp.prisma, cp.userId, new Date());
    const liveBefore = await live();
    const { released } = await holdCounterRow(1_000);
    const res = await admitStream(cp, fx.agentUuid, { Domain: fx.domain }, { timeoutMs: 200 });
    await released;
    expect(res).toEqual({ ok: false, error: { code: 'overloaded', message: 'overloaded' } });
    const undone = await cp.prisma.workflowRun.findFirstOrThrow({ where: { userId: cp.userId }, orderBy: { createdAt: 'desc' } });
    expect(undone).toMatchObject({ state: 'failed', endReason: 'server_error', error: 'admission abandoned: minted after the edge stopped waiting' });
    expect(await live()).toBe(liveBefore);
    expect(await readUsage(cp.prisma, cp.userId, new Date())).toEqual(usageBefore);
    expect(cp.logLines.some((l) => l.includes('admission undone'))).toBe(true);
  });

  it('a request whose wait ran out before its run was minted is refused without one', async () => {
    const before = await cp.prisma.workflowRun.count();
    const { released } = await lockAgents(600);
    const res = await admitStream(cp, fx.agentUuid, { Domain: fx.domain }, { timeoutMs: 150 });
    await released;
    expect(res).toEqual({ ok: false, error: { code: 'overloaded', message: 'overloaded' } });
    expect(await cp.prisma.workflowRun.count()).toBe(before);
  });

  it('within the grace an admission answered just late stays admitted (the edge may have taken it)', async () => {
    const { released } = await holdCounterRow(300);
    const res = await admitStream(cp, fx.agentUuid, { Domain: fx.domain }, { timeoutMs: 100 });
    await released;
    expect(res.ok).toBe(true);
  });
});

describe('AdmissionGate', () => {
  it('bounds the admissions in flight and counts every outcome', async () => {
    const registry = new Registry();
    const gate = new AdmissionGate(2, registry);
    expect(gate.enter()).toBe(true);
    expect(gate.enter()).toBe(true);
    expect(gate.enter()).toBe(false);
    gate.leave('admitted');
    expect(gate.enter()).toBe(true);
    gate.leave('expired');
    gate.leave('abandoned');
    expect(gate.size).toBe(0);
    const text = await registry.metrics();
    expect(text).toContain('vr3_control_plane_admissions_total{outcome="overloaded"} 1');
    expect(text).toContain('vr3_control_plane_admissions_total{outcome="admitted"} 1');
    expect(text).toContain('vr3_control_plane_admissions_total{outcome="expired"} 1');
    expect(text).toContain('vr3_control_plane_admissions_in_flight 0');
  });
});
