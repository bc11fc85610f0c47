import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { admitStream, createAgentStreamFixture } from '../testing/fixtures.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';

let server: TestPostgres;
let cp: TestControlPlane;
const FROM = '2026-03-01T10:00:00.000Z';
const TO = '2026-03-01T14:00:00.000Z';
const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  server = await startTestPostgres();
  cp = await startTestControlPlane({ databaseUrl: await server.createDatabase() });
  const fx = await createAgentStreamFixture(cp, { domain: 'stats-a' });
  const admitted = await admitStream(cp, fx.agentUuid, { Domain: fx.domain, from: '+1555' });
  if (!admitted.ok) throw new Error('not admitted');
  const template = await cp.prisma.workflowRun.findUniqueOrThrow({ where: { id: admitted.run.id } });
  const base = { organizationId: template.organizationId, userId: template.userId, agentId: template.agentId, agentUuid: template.agentUuid, agentVersionId: template.agentVersionId, mode: template.mode };
  let n = 0;
  const run = (createdAt: string, data: { callType?: string; state?: 'completed' | 'failed'; endReason?: string; handshakeMs?: number; organizationId?: string }) =>
    cp.prisma.workflowRun.create({
      data: {
        ...base,
        ...(data.organizationId ? { organizationId: data.organizationId } : {}),
        name: `WR-AGS-STATS${String(n++).padStart(3, '0')}`,
        callType: data.callType ?? 'inbound',
        state: data.state ?? 'completed',
        endReason: data.endReason ?? null,
        createdAt: at(createdAt),
        startedAt: data.handshakeMs === undefined ? null : new Date(at(createdAt).getTime() + data.handshakeMs),
      },
    });
  // Hour 10: two inbound (handshakes 30 and 150 ms), one outbound failed with no_answer.
  const first = await run('2026-03-01T10:05:00.000Z', { handshakeMs: 30 });
  await run('2026-03-01T10:59:59.999Z', { handshakeMs: 150 });
  await run('2026-03-01T10:30:00.000Z', { callType: 'outbound', state: 'failed', endReason: 'no_answer' });
  // Hour 11: nothing. Hour 12: one inbound failed (error), one outbound failed (no_answer, started after 700 ms).
  await run('2026-03-01T12:00:00.000Z', { state: 'failed', endReason: 'error' });
  await run('2026-03-01T12:10:00.000Z', { callType: 'outbound', state: 'failed', endReason: 'no_answer', handshakeMs: 700 });
  // Outside the range (before, and at `to`, which is exclusive).
  await run('2026-03-01T09:59:59.999Z', { state: 'failed', endReason: 'error', handshakeMs: 10 });
  await run(TO, { handshakeMs: 10 });
  // Another organization, inside the range.
  const other = await cp.prisma.organization.create({ data: { name: 'Elsewhere' } });
  await run('2026-03-01T10:10:00.000Z', { organizationId: other.id, state: 'failed', endReason: 'error', handshakeMs: 10 });
  // Per-turn latency metrics of the first run (and one event that is not the metric).
  const events = [
    { name: 'first_audio_sent_ms', value: 420 },
    { name: 'first_audio_sent_ms', value: 1500 },
    { name: 'first_audio_sent_ms', value: 80 },
    { name: 'llm_first_token_ms', value: 9000 },
  ];
  await cp.prisma.runEvent.createMany({
    data: events.map((data, i) => ({ runId: first.id, seq: i + 1, type: 'metric', data: { ...data, unit: 'ms' }, emittedAt: at('2026-03-01T10:06:00.000Z') })),
  });
  await cp.prisma.userQuota.create({ data: { userId: cp.userId, monthlyCallSeconds: 6000 } });
}, 60_000);
afterAll(async () => {
  await cp?.close();
  await server?.stop();
});

describe('GET /stats/overview', () => {
  it('buckets calls per hour, zero-filled, and counts failures of this organization only', async () => {
    const res = await cp.api('GET', `/stats/overview?from=${FROM}&to=${TO}`);
    expect(res.status).toBe(200);
    expect(res.body.from).toBe(FROM);
    expect(res.body.calls_per_hour).toEqual([
      { hour: '2026-03-01T10:00:00.000Z', inbound: 2, outbound: 1, failed: 1 },
      { hour: '2026-03-01T11:00:00.000Z', inbound: 0, outbound: 0, failed: 0 },
      { hour: '2026-03-01T12:00:00.000Z', inbound: 1, outbound: 1, failed: 2 },
      { hour: '2026-03-01T13:00:00.000Z', inbound: 0, outbound: 0, failed: 0 },
    ]);
    expect(res.body.end_reasons).toEqual([
      { end_reason: 'no_answer', count: 2 },
      { end_reason: 'error', count: 1 },
    ]);
  });

  it('gives handshake and turn-latency histograms with percentiles', async () => {
    const res = await cp.api('GET', `/stats/overview?from=${FROM}&to=${TO}`);
    const counts = (h: { buckets: Array<{ count: number }> }) => h.buckets.map((b) => b.count);
    expect(res.body.handshake_ms.buckets[0]).toEqual({ from_ms: 0, to_ms: 50, count: 1 });
    expect(res.body.handshake_ms.buckets.at(-1)).toEqual({ from_ms: 5000, to_ms: null, count: 0 });
    expect(counts(res.body.handshake_ms)).toEqual([1, 0, 1, 0, 1, 0, 0, 0]);
    expect(res.body.handshake_ms).toMatchObject({ count: 3, p50: 150 });
    expect(res.body.handshake_ms.p95).toBe(645); // 150 + 0.9 × (700 − 150)
    expect(counts(res.body.turn_latency_ms)).toEqual([0, 1, 0, 1, 0, 1, 0, 0]);
    expect(res.body.turn_latency_ms).toMatchObject({ count: 3, p50: 420 });
  });

  it("reports this month's seconds against the sum of the users' quotas", async () => {
    await cp.prisma.userUsage.upsert({
      where: { userId: cp.userId },
      create: { userId: cp.userId, periodStart: new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1)), periodSeconds: 125 },
      update: { periodSeconds: 125, periodStart: new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1)) },
    });
    const res = await cp.api('GET', '/stats/overview');
    expect(res.body.call_seconds).toEqual({ used_this_month: 125, monthly_quota: 6000 });
    const [from, to] = [Date.parse(res.body.from), Date.parse(res.body.to)];
    expect(to - from).toBe(24 * 3_600_000);
    // Every hour the range touches: 25 unless it starts on the hour.
    expect(res.body.calls_per_hour).toHaveLength(from % 3_600_000 === 0 ? 24 : 25);
    expect(Date.parse(res.body.calls_per_hour[0].hour)).toBe(from - (from % 3_600_000));
  });

  it('refuses a bad, backwards or too wide range', async () => {
    for (const query of ['from=yesterday', `from=${TO}&to=${FROM}`, `from=${FROM}&to=${FROM}`, 'from=2026-01-01T00:00:00Z&to=2026-02-02T00:00:01Z']) {
      const res = await cp.api('GET', `/stats/overview?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect((await cp.api('GET', '/stats/overview?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z')).status).toBe(200);
  });
});
