import { Subjects, type RunEvent, type RunEventsResponse } from '@vr3/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../crypto/api-keys.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { admitStream, createAgentStreamFixture, type AgentStreamFixture } from '../testing/fixtures.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';

let server: TestPostgres;
let cp: TestControlPlane;
let fx: AgentStreamFixture;
const T0 = Date.UTC(2026, 5, 1, 12, 0, 0, 250);

beforeAll(async () => {
  server = await startTestPostgres();
  cp = await startTestControlPlane({ databaseUrl: await server.createDatabase() });
  fx = await createAgentStreamFixture(cp, { domain: 'rest-events' });
});
afterAll(async () => {
  await cp?.close();
  await server?.stop();
});

async function newRun(): Promise<string> {
  const res = await admitStream(cp, fx.agentUuid, { Domain: fx.domain });
  if (!res.ok) throw new Error('not admitted');
  return res.run.id;
}

const ev = (seq: number): RunEvent => ({ seq, type: seq % 2 ? 'transcript' : 'metric', at: T0 + seq * 10, data: { n: seq } });

async function send(runId: string, events: RunEvent[]): Promise<void> {
  const res = await cp.bus.request<RunEventsResponse>(Subjects.RunEvents, { run_id: runId, edge_id: 'edge-test', events }, { timeoutMs: 5000 });
  expect(res.ok).toBe(true);
}

type Page = { data: Array<{ seq: number; type: string; at: string; data: unknown }>; next_cursor: string | null };

/** Every page of a run's events with `limit`, following `next_cursor`. */
async function allPages(runId: string, limit?: number): Promise<Page[]> {
  const pages: Page[] = [];
  let cursor: string | null = null;
  do {
    const qs = new URLSearchParams({ ...(limit === undefined ? {} : { limit: String(limit) }), ...(cursor ? { cursor } : {}) }).toString();
    const res: { status: number; body: Page } = await cp.api('GET', `/runs/${runId}/events${qs ? `?${qs}` : ''}`);
    expect(res.status).toBe(200);
    pages.push(res.body);
    cursor = res.body.next_cursor;
  } while (cursor !== null && pages.length < 20);
  return pages;
}

describe('GET /runs/{id}/events', () => {
  it('lists events in seq order whatever order they arrived in, with the documented fields', async () => {
    const runId = await newRun();
    await send(runId, [ev(4), ev(5), ev(6), ev(7)]);
    await send(runId, [ev(3), ev(1), ev(2)]);
    const [page, ...rest] = await allPages(runId);
    expect(rest).toEqual([]);
    expect(page).toEqual({
      data: [1, 2, 3, 4, 5, 6, 7].map((seq) => ({ seq, type: ev(seq).type, at: new Date(T0 + seq * 10).toISOString(), data: { n: seq } })),
      next_cursor: null,
    });
  });

  it('pages with an opaque cursor, without gaps or repeats, 100 by default', async () => {
    const runId = await newRun();
    await send(runId, Array.from({ length: 150 }, (_, i) => ev(i + 1)));
    const byForty = await allPages(runId, 40);
    expect(byForty.map((p) => p.data.length)).toEqual([40, 40, 40, 30]);
    expect(byForty.flatMap((p) => p.data.map((e) => e.seq))).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    expect(byForty.at(-1)!.next_cursor).toBeNull();
    const byDefault = await allPages(runId);
    expect(byDefault.map((p) => p.data.length)).toEqual([100, 50]);
    // A page ending exactly at the last event has no next cursor.
    expect((await allPages(runId, 150)).map((p) => p.data.length)).toEqual([150]);
  });

  it('answers an empty page for a run without events', async () => {
    expect(await cp.api('GET', `/runs/${await newRun()}/events`)).toEqual({ status: 200, body: { data: [], next_cursor: null } });
  });

  it('404 for unknown runs and runs of other organizations', async () => {
    const runId = await newRun();
    await send(runId, [ev(1)]);
    expect(await cp.api('GET', `/runs/${crypto.randomUUID()}/events`)).toMatchObject({ status: 404, body: { error: { code: 'run_not_found' } } });
    const org = await cp.prisma.organization.create({ data: { name: 'other' } });
    const user = await cp.prisma.user.create({ data: { organizationId: org.id, name: 'o' } });
    const key = 'vr3_other_org_key_0123456789';
    await cp.prisma.apiKey.create({ data: { organizationId: org.id, userId: user.id, name: 'k', prefix: key.slice(0, 12), hash: hashApiKey(key) } });
    expect(await cp.api('GET', `/runs/${runId}/events`, undefined, key)).toMatchObject({ status: 404, body: { error: { code: 'run_not_found' } } });
    expect((await cp.api('GET', `/runs/${runId}/events`)).status).toBe(200);
  });

  it('400 on a bad limit or cursor', async () => {
    const runId = await newRun();
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    for (const qs of ['limit=0', 'limit=501', 'limit=abc', 'limit=2.5', 'cursor=nonsense', `cursor=${b64({ s: -1 })}`, `cursor=${b64({ s: 1.5 })}`, `cursor=${b64({ t: new Date().toISOString(), i: 'x' })}`]) {
      const res = await cp.api('GET', `/runs/${runId}/events?${qs}`);
      expect(res).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
      expect(res.body.error.message).toMatch(qs.startsWith('limit') ? /^limit: / : /^cursor: /);
    }
  });
});
