import { Subjects, type EdgeHeartbeat } from '@vr3/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { admitStream, createAgentStreamFixture, type AgentStreamFixture } from '../testing/fixtures.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';

const LOST_AFTER_MS = 400;
let server: TestPostgres;
let cp: TestControlPlane;
let fx: AgentStreamFixture;
let observedSince = 0;

beforeAll(async () => {
  server = await startTestPostgres();
  cp = await startTestControlPlane({
    databaseUrl: await server.createDatabase(),
    config: { edgeLostAfterMs: LOST_AFTER_MS, reaperIntervalMs: 50 },
    edgeLiveness: { observedSince: () => observedSince },
  });
  fx = await createAgentStreamFixture(cp, { domain: 'reaper' });
  await cp.api('PUT', `/users/${cp.userId}/quota`, { max_concurrent_calls: 3, monthly_call_seconds: null });
});

afterAll(async () => {
  await cp?.close();
  await server?.stop();
});

async function admit(edgeId: string): Promise<string> {
  const res = await admitStream(cp, fx.agentUuid, { Domain: fx.domain }, { edgeId });
  if (!res.ok) throw new Error(`not admitted: ${res.error.code}`);
  return res.run.id;
}

const beat = (edge_id: string, run_ids: string[]) => cp.bus.publish(Subjects.EdgeHeartbeat, { edge_id, run_ids, draining: false } satisfies EdgeHeartbeat);
const run = (id: string) => cp.prisma.workflowRun.findUniqueOrThrow({ where: { id } });

describe('stale-run reaper', () => {
  it('ends runs of silent, never-seen and forgetful edges edge_lost, frees their quota, and spares live edges', async () => {
    observedSince = Date.now() + 60_000; // this replica just (re)connected: nothing may be reaped yet
    const alive = await admit('edge-alive');
    const silent = await admit('edge-silent');
    const ghost = await admit('edge-never-seen');
    expect((await admitStream(cp, fx.agentUuid, { Domain: fx.domain }, { edgeId: 'edge-alive' })).ok).toBe(false); // quota full
    beat('edge-silent', [silent]);
    const started = Date.now();
    const keepAlive = setInterval(() => beat('edge-alive', [alive]), 100);
    try {
      await new Promise((r) => setTimeout(r, LOST_AFTER_MS * 1.5));
      // Silence beyond the limit, but this replica has not observed long enough: nothing ended.
      expect((await run(silent)).state).toBe('initialized');
      observedSince = 0;
      await expect.poll(async () => (await run(silent)).state, { timeout: 3_000 }).toBe('failed');
      await expect.poll(async () => (await run(ghost)).state, { timeout: 3_000 }).toBe('failed');
      expect(await run(silent)).toMatchObject({ endReason: 'edge_lost', error: 'edge lost: silent', durationSeconds: 0 });
      expect(await run(ghost)).toMatchObject({ endReason: 'edge_lost', error: 'edge lost: never_seen' });
      // No socket close was seen: the run shows none.
      expect((await cp.api('GET', `/runs/${silent}`)).body.close).toBeNull();
      expect(Date.now() - started).toBeLessThan(LOST_AFTER_MS * 1.5 + 3_000);
      expect((await run(alive)).state).toBe('initialized');
      // The freed slots admit new streams again.
      expect((await admitStream(cp, fx.agentUuid, { Domain: fx.domain }, { edgeId: 'edge-alive' })).ok).toBe(true);
      const edges = await cp.prisma.mediaEdge.findMany({ orderBy: { id: 'asc' } });
      expect(edges.map((e) => e.id)).toEqual(['edge-alive', 'edge-silent']);
      expect(edges[0]?.runIds).toEqual([alive]);
    } finally {
      clearInterval(keepAlive);
    }
  });

  it('ends a run its live edge stopped reporting (a finalize that never arrived)', async () => {
    const forgotten = await admit('edge-forgetful');
    const keepAlive = setInterval(() => beat('edge-forgetful', []), 100);
    try {
      await expect.poll(async () => (await run(forgotten)).state, { timeout: LOST_AFTER_MS * 3 + 3_000 }).toBe('failed');
      expect(await run(forgotten)).toMatchObject({ endReason: 'edge_lost', error: 'edge lost: not_held' });
    } finally {
      clearInterval(keepAlive);
    }
  });
});
