import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { admitStream, createAgentStreamFixture, type AgentStreamFixture } from '../testing/fixtures.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';

const INITIALIZED_TIMEOUT_MS = 5_000;
let server: TestPostgres;
let cp: TestControlPlane;
let fx: AgentStreamFixture;

beforeAll(async () => {
  server = await startTestPostgres();
  cp = await startTestControlPlane({
    databaseUrl: await server.createDatabase(),
    // Edge-lost reaping is out of the picture (a minute), the initialized sweep is not.
    config: { initializedRunTimeoutMs: INITIALIZED_TIMEOUT_MS, edgeLostAfterMs: 60_000, reaperIntervalMs: 50 },
    edgeLiveness: { observedSince: () => 0 },
  });
  fx = await createAgentStreamFixture(cp, { domain: 'reaper-initialized' });
  await cp.api('PUT', `/users/${cp.userId}/quota`, { max_concurrent_calls: 3, monthly_call_seconds: null });
});

afterAll(async () => {
  await cp?.close();
  await server?.stop();
});

async function admit(): Promise<string> {
  const res = await admitStream(cp, fx.agentUuid, { Domain: fx.domain }, { edgeId: 'edge-1' });
  if (!res.ok) throw new Error(`not admitted: ${res.error.code}`);
  return res.run.id;
}

const run = (id: string) => cp.prisma.workflowRun.findUniqueOrThrow({ where: { id } });
/** Moves a run's admission into the past, as if it had been minted `ms` ago. */
const age = (id: string, ms: number) => cp.prisma.workflowRun.update({ where: { id }, data: { createdAt: new Date(Date.now() - ms) } });

describe('reaper: runs left initialized', () => {
  it('ends a run initialized longer than initializedRunTimeoutMs failed/handshake_timeout and frees its slot; spares fresh and running runs', async () => {
    const abandoned = await admit(); // the edge gave up on this admission
    const fresh = await admit(); // mid-handshake
    const live = await admit(); // started long ago, still running
    const full = await admitStream(cp, fx.agentUuid, { Domain: fx.domain }, { edgeId: 'edge-1' });
    expect(full).toMatchObject({ ok: false, error: { code: 'quota_exceeded' } });
    await cp.prisma.workflowRun.update({ where: { id: live }, data: { state: 'running', startedAt: new Date(Date.now() - INITIALIZED_TIMEOUT_MS * 3) } });
    await age(live, INITIALIZED_TIMEOUT_MS * 4);
    await age(abandoned, INITIALIZED_TIMEOUT_MS + 1_000);

    await expect.poll(async () => (await run(abandoned)).state, { timeout: 3_000 }).toBe('failed');
    expect(await run(abandoned)).toMatchObject({
      endReason: 'handshake_timeout',
      error: `never started: initialized longer than ${INITIALIZED_TIMEOUT_MS} ms`,
      durationSeconds: 0,
    });
    // The freed slot admits a new stream again.
    const next = await admitStream(cp, fx.agentUuid, { Domain: fx.domain }, { edgeId: 'edge-1' });
    expect(next.ok).toBe(true);

    await new Promise((r) => setTimeout(r, 300)); // several more passes
    expect((await run(fresh)).state).toBe('initialized');
    expect((await run(live)).state).toBe('running');
    if (next.ok) expect((await run(next.run.id)).state).toBe('initialized');
  });

  it('spares a run just inside the timeout', async () => {
    await cp.api('PUT', `/users/${cp.userId}/quota`, { max_concurrent_calls: null, monthly_call_seconds: null });
    const edge = await admit();
    await age(edge, INITIALIZED_TIMEOUT_MS - 1_500);
    await new Promise((r) => setTimeout(r, 300));
    expect((await run(edge)).state).toBe('initialized');
    await expect.poll(async () => (await run(edge)).state, { timeout: 4_000 }).toBe('failed');
  });
});
