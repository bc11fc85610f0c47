import { Subjects, type RunStartResponse } from '@vr3/protocol';
import { startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finalizeRun } from '../db/runs.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { admitStream, createAgentStreamFixture, type AgentStreamFixture } from '../testing/fixtures.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';

const TOKEN = 'fake-cloudonix-token';
let server: TestPostgres;
let cp: TestControlPlane;
let api: FakeCloudonixApi;
let a: AgentStreamFixture;
let b: AgentStreamFixture;
const runsOfA: string[] = [];

beforeAll(async () => {
  server = await startTestPostgres();
  api = await startFakeCloudonixApi({ bearerToken: TOKEN });
  cp = await startTestControlPlane({ databaseUrl: await server.createDatabase() });
  a = await createAgentStreamFixture(cp, { domain: 'runs-a', bearerToken: TOKEN, apiBaseUrl: api.url });
  b = await createAgentStreamFixture(cp, { domain: 'runs-b', bearerToken: TOKEN, apiBaseUrl: api.url });
  for (let i = 0; i < 7; i++) runsOfA.push(await admitId(a));
  await admitId(b);
  await finalizeRun(cp.prisma, { runId: runsOfA[0]!, state: 'completed', endReason: 'caller_hangup' });
});
afterAll(async () => {
  await cp?.close();
  await api?.close();
  await server?.stop();
});

async function admitId(fx: AgentStreamFixture, query: Record<string, string> = {}): Promise<string> {
  const res = await admitStream(cp, fx.agentUuid, { Domain: fx.domain, from: '+1555', ...query });
  if (!res.ok) throw new Error('not admitted');
  return res.run.id;
}

async function startRun(runId: string, session: string): Promise<void> {
  api.addSession('runs-a', session);
  const res = await cp.bus.request<RunStartResponse>(
    Subjects.RunStart,
    { run_id: runId, edge_id: 'edge-1', start: { stream_id: 'MZ', session_id: session, custom_parameters: {}, media_format: { encoding: 'mulaw', sampleRate: 8000 }, metadata: {} } },
    { timeoutMs: 5000 },
  );
  if (!res.ok) throw new Error('not started');
}

describe('GET /runs', () => {
  it('pages newest first with an opaque cursor, without gaps or repeats', async () => {
    const seen: Array<{ id: string; created_at: string }> = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: { data: Array<{ id: string; created_at: string }>; next_cursor: string | null } } = await cp.api(
        'GET',
        `/runs?agent_uuid=${a.agentUuid}&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.data);
      cursor = res.body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.map((r) => r.id).sort()).toEqual([...runsOfA].sort());
    const order = seen.map((r) => `${r.created_at}|${r.id}`);
    expect(order).toEqual([...order].sort().reverse());
  });

  it('filters by agent and state, defaults to 20, and is empty for unknown agents', async () => {
    const all = await cp.api('GET', '/runs');
    expect(all.body.data).toHaveLength(8);
    expect(all.body.next_cursor).toBeNull();
    const completed = await cp.api('GET', `/runs?agent_uuid=${a.agentUuid}&state=completed`);
    expect(completed.body.data.map((r: { id: string }) => r.id)).toEqual([runsOfA[0]]);
    const ofB = await cp.api('GET', `/runs?agent_uuid=${b.agentUuid}`);
    expect(ofB.body.data).toHaveLength(1);
    expect(await cp.api('GET', `/runs?agent_uuid=${crypto.randomUUID()}`)).toEqual({ status: 200, body: { data: [], next_cursor: null } });
  });

  it('filters by end reason, provider (any case) and creation time range', async () => {
    const ids = async (qs: string) => ((await cp.api('GET', `/runs?${qs}`)).body.data as Array<{ id: string }>).map((r) => r.id);
    expect(await ids('end_reason=caller_hangup')).toEqual([runsOfA[0]]);
    expect(await ids('end_reason=api_hangup')).toEqual([]);
    expect(await ids('provider=CLOUDONIX&limit=100')).toHaveLength(8);
    expect(await ids('provider=twilio')).toEqual([]);
    const [older, newer] = [runsOfA[5]!, runsOfA[6]!];
    await cp.prisma.workflowRun.update({ where: { id: older }, data: { createdAt: new Date('2020-01-01T00:00:00Z') } });
    await cp.prisma.workflowRun.update({ where: { id: newer }, data: { createdAt: new Date('2020-01-02T00:00:00Z') } });
    expect(await ids('created_after=2019-12-31T00:00:00Z&created_before=2020-01-02T00:00:00Z')).toEqual([older]);
    expect(await ids(`created_after=${encodeURIComponent('2020-01-01T01:00:00+01:00')}&created_before=2020-01-03T00:00:00Z`)).toEqual([newer, older]);
    expect(await ids('created_before=2020-01-01T00:00:00.001Z')).toEqual([older]);
    expect(await ids(`created_after=2020-01-01T00:00:00Z&created_before=2020-01-03T00:00:00Z&agent_uuid=${b.agentUuid}`)).toEqual([]);
    expect((await ids('created_after=2020-01-01T00:00:00Z')).length).toBeGreaterThan(2);
  });

  it('400 on a bad end reason or time, and on an empty time range', async () => {
    for (const qs of ['end_reason=nope', 'created_after=yesterday', 'created_before=2020-01-01', 'created_after=2020-01-02T00:00:00Z&created_before=2020-01-01T00:00:00Z']) {
      const res = await cp.api('GET', `/runs?${qs}`);
      expect(res, qs).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    }
    expect((await cp.api('GET', '/runs?created_after=2020-01-02T00:00:00Z&created_before=2020-01-01T00:00:00Z')).body.error.message).toBe('created_before: must be after created_after');
  });

  it('400 on bad limit, state or cursor', async () => {
    for (const qs of ['limit=0', 'limit=101', 'limit=abc', 'limit=1.5', 'state=done', 'cursor=nonsense', `cursor=${Buffer.from('{"t":1}').toString('base64url')}`]) {
      expect(await cp.api('GET', `/runs?${qs}`)).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    }
  });
});

describe('GET /runs/{id}', () => {
  it('returns the documented fields', async () => {
    const id = runsOfA[1]!;
    const res = await cp.api('GET', `/runs/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id,
      name: expect.stringMatching(/^WR-AGS-[A-Z0-9]{8}$/),
      agent_uuid: a.agentUuid,
      call_type: 'inbound',
      mode: 'cloudonix',
      state: 'initialized',
      end_reason: null,
      initial_context: { caller_number: '+1555', called_number: null },
      gathered_context: {},
      logs: { inbound_webhook: { Domain: 'runs-a' } },
      telephony_configuration_id: a.telephonyConfigurationId,
      edge_id: 'edge-test',
      media_stats: null,
      started_at: null,
      ended_at: null,
      duration_seconds: null,
    });
    expect(Date.parse(res.body.created_at)).not.toBeNaN();
  });

  it('404 for unknown runs and runs of other organizations', async () => {
    expect(await cp.api('GET', `/runs/${crypto.randomUUID()}`)).toMatchObject({ status: 404, body: { error: { code: 'run_not_found' } } });
    const org = await cp.prisma.organization.create({ data: { name: 'other' } });
    const run = await cp.prisma.workflowRun.findUniqueOrThrow({ where: { id: runsOfA[2]! } });
    await cp.prisma.workflowRun.update({ where: { id: run.id }, data: { organizationId: org.id } });
    try {
      expect((await cp.api('GET', `/runs/${run.id}`)).status).toBe(404);
      expect((await cp.api('POST', `/runs/${run.id}/hangup`)).status).toBe(404);
    } finally {
      await cp.prisma.workflowRun.update({ where: { id: run.id }, data: { organizationId: cp.organizationId } });
    }
  });
});

describe('POST /runs/{id}/hangup', () => {
  it('asks the edge holding the run to end it, then hangs up at the provider', async () => {
    const runId = await admitId(a);
    await startRun(runId, 'hang-1');
    const controls: unknown[] = [];
    const sub = cp.bus.respond(Subjects.runControl(runId), async (data) => {
      controls.push(data);
      await cp.bus.request(Subjects.RunFinalize, { run_id: runId, edge_id: 'edge-1', state: 'completed', end_reason: 'api_hangup' }, { timeoutMs: 5000 });
      return { ok: true };
    });
    try {
      const res = await cp.api('POST', `/runs/${runId}/hangup`);
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ id: runId, state: 'completed', end_reason: 'api_hangup' });
      expect(controls).toEqual([{ action: 'end', end_reason: 'api_hangup' }]);
    } finally {
      sub.unsubscribe();
    }
    const deadline = Date.now() + 3000;
    while (api.hasSession('runs-a', 'hang-1') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(api.hasSession('runs-a', 'hang-1')).toBe(false);
    expect((await cp.api('POST', `/runs/${runId}/hangup`))).toMatchObject({ status: 409, body: { error: { code: 'run_already_ended' } } });
  });

  it('finalizes the run itself when no edge answers', async () => {
    const runId = await admitId(a);
    const res = await cp.api('POST', `/runs/${runId}/hangup`);
    expect(res).toMatchObject({ status: 202, body: { id: runId, state: 'completed', end_reason: 'api_hangup', duration_seconds: 0 } });
  });

  it('finalizes the run itself when the edge answers ok:false', async () => {
    const runId = await admitId(a);
    await startRun(runId, 'hang-3');
    const sub = cp.bus.respond(Subjects.runControl(runId), () => ({ ok: false }));
    try {
      expect((await cp.api('POST', `/runs/${runId}/hangup`)).body).toMatchObject({ state: 'completed', end_reason: 'api_hangup' });
    } finally {
      sub.unsubscribe();
    }
  });
});

describe('quota', () => {
  it('GET shows unlimited defaults and usage; PUT replaces both limits', async () => {
    const initial = await cp.api('GET', `/users/${cp.userId}/quota`);
    expect(initial.body).toEqual({ user_id: cp.userId, max_concurrent_calls: null, monthly_call_seconds: null, usage: { active_calls: expect.any(Number), month_call_seconds: expect.any(Number) } });
    expect(initial.body.usage.active_calls).toBeGreaterThan(0);
    const put = await cp.api('PUT', `/users/${cp.userId}/quota`, { max_concurrent_calls: 5, monthly_call_seconds: 3600 });
    expect(put.body).toMatchObject({ max_concurrent_calls: 5, monthly_call_seconds: 3600 });
    expect((await cp.api('GET', `/users/${cp.userId}/quota`)).body).toMatchObject({ max_concurrent_calls: 5, monthly_call_seconds: 3600 });
    expect((await cp.api('PUT', `/users/${cp.userId}/quota`, { max_concurrent_calls: null, monthly_call_seconds: null })).body).toMatchObject({
      max_concurrent_calls: null,
      monthly_call_seconds: null,
    });
  });

  it('400 on invalid limits; 404 for unknown users and users of other organizations', async () => {
    for (const body of [{}, { max_concurrent_calls: 1 }, { max_concurrent_calls: -1, monthly_call_seconds: null }, { max_concurrent_calls: 1.5, monthly_call_seconds: null }, { max_concurrent_calls: '1', monthly_call_seconds: null }]) {
      expect(await cp.api('PUT', `/users/${cp.userId}/quota`, body)).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    }
    const org = await cp.prisma.organization.create({ data: { name: 'q-other' } });
    const stranger = await cp.prisma.user.create({ data: { organizationId: org.id, name: 's' } });
    for (const id of [stranger.id, crypto.randomUUID()]) {
      expect(await cp.api('GET', `/users/${id}/quota`)).toMatchObject({ status: 404, body: { error: { code: 'user_not_found' } } });
      expect((await cp.api('PUT', `/users/${id}/quota`, { max_concurrent_calls: 1, monthly_call_seconds: null })).status).toBe(404);
    }
  });
});
