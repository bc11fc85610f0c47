import { Subjects, type RunActionResponse, type RunStartResponse } from '@vr3/protocol';
import { startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { admitStream, createAgentStreamFixture, type AgentStreamFixture } from '../testing/fixtures.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';

const TOKEN = 'fake-cloudonix-token';
let server: TestPostgres;
let cp: TestControlPlane;
let api: FakeCloudonixApi;
let fx: AgentStreamFixture;

beforeAll(async () => {
  server = await startTestPostgres();
  api = await startFakeCloudonixApi({ bearerToken: TOKEN });
  cp = await startTestControlPlane({ databaseUrl: await server.createDatabase(), config: { providerActionAttempts: 4, providerActionBackoffMs: 10 } });
  fx = await createAgentStreamFixture(cp, { domain: 'actions', bearerToken: TOKEN, apiBaseUrl: api.url });
});
afterAll(async () => {
  await cp?.close();
  await api?.close();
  await server?.stop();
});

let sessions = 0;
/** A running run with a live session at the fake provider. */
async function liveRun(): Promise<{ runId: string; session: string }> {
  const session = `act-${++sessions}`;
  api.addSession('actions', session);
  const res = await admitStream(cp, fx.agentUuid, { Domain: fx.domain });
  if (!res.ok) throw new Error('not admitted');
  const started = await cp.bus.request<RunStartResponse>(
    Subjects.RunStart,
    { run_id: res.run.id, edge_id: 'edge-1', start: { stream_id: 'MZ', session_id: session, custom_parameters: {}, media_format: { encoding: 'mulaw', sampleRate: 8000 }, metadata: {} } },
    { timeoutMs: 5000 },
  );
  if (!started.ok) throw new Error('not started');
  return { runId: res.run.id, session };
}

const action = (body: Record<string, unknown>) => cp.bus.request<RunActionResponse>(Subjects.RunAction, body, { timeoutMs: 5000 });

async function providerActions(runId: string, count: number): Promise<Array<Record<string, unknown>>> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const r = await cp.prisma.workflowRun.findUniqueOrThrow({ where: { id: runId } });
    const list = ((r.logs as Record<string, unknown>)['provider_actions'] ?? []) as Array<Record<string, unknown>>;
    if (list.length >= count) return list;
    if (Date.now() > deadline) throw new Error(`expected ${count} provider actions, got ${list.length}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('RunAction and provider action jobs', () => {
  it('hangs up the session at the provider and records it on the run', async () => {
    const { runId, session } = await liveRun();
    expect(await action({ run_id: runId, action: 'hangup' })).toEqual({ ok: true });
    const [entry] = await providerActions(runId, 1);
    expect(entry).toMatchObject({ action: 'hangup', source: 'agent', outcome: 'succeeded', attempts: 1 });
    expect(api.hasSession('actions', session)).toBe(false);
    expect(api.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/customers/self/domains/actions.cloudonix.net/sessions/${session}` });
  });

  it('transfers with the target as CXML', async () => {
    const { runId, session } = await liveRun();
    const cxml = '<Response><Dial>+15555550123</Dial></Response>';
    expect(await action({ run_id: runId, action: 'transfer', target: cxml })).toEqual({ ok: true });
    await providerActions(runId, 1);
    const req = api.requests.find((r) => r.method === 'POST' && r.path.includes(session));
    expect(JSON.parse(req!.body)).toEqual({ cxml });
  });

  it('answers errors for unknown runs, runs without a session and transfers without a target', async () => {
    expect(await action({ run_id: crypto.randomUUID(), action: 'hangup' })).toMatchObject({ ok: false, error: { code: 'run_not_found' } });
    const admitted = await admitStream(cp, fx.agentUuid, { Domain: fx.domain });
    if (!admitted.ok) throw new Error('not admitted');
    expect(await action({ run_id: admitted.run.id, action: 'hangup' })).toMatchObject({ ok: false, error: { code: 'session_unknown' } });
    const { runId } = await liveRun();
    expect(await action({ run_id: runId, action: 'transfer' })).toMatchObject({ ok: false, error: { code: 'transfer_target_required' } });
  });

  it('retries a provider outage and succeeds once it recovers', async () => {
    const { runId } = await liveRun();
    api.setResponse('DELETE', 503);
    try {
      await action({ run_id: runId, action: 'hangup' });
      const deadline = Date.now() + 2_000;
      while (api.requests.filter((r) => r.method === 'DELETE' && r.path.includes(`act-${sessions}`)).length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } finally {
      api.setResponse('DELETE', null);
    }
    const [entry] = await providerActions(runId, 1);
    expect(entry).toMatchObject({ outcome: 'succeeded' });
    expect(entry!['attempts']).toBeGreaterThanOrEqual(2);
  });

  it('records a failure after the last attempt, logged at error level', async () => {
    const { runId } = await liveRun();
    api.setResponse('DELETE', 503);
    try {
      await action({ run_id: runId, action: 'hangup' });
      const [entry] = await providerActions(runId, 1);
      expect(entry).toMatchObject({ action: 'hangup', outcome: 'failed', attempts: 4, error_code: 'provider_unavailable', status: 503 });
    } finally {
      api.setResponse('DELETE', null);
    }
    const errors = cp.logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['level'] === 50 && l['run_id'] === runId);
    expect(errors).toContainEqual(expect.objectContaining({ msg: 'provider action failed', attempts: 4 }));
  });

  it('does not retry a rejection', async () => {
    const { runId } = await liveRun();
    api.setResponse('POST', 403);
    try {
      await action({ run_id: runId, action: 'transfer', target: '<Response/>' });
      const [entry] = await providerActions(runId, 1);
      expect(entry).toMatchObject({ action: 'transfer', outcome: 'failed', attempts: 1, error_code: 'provider_rejected', status: 403 });
    } finally {
      api.setResponse('POST', null);
    }
  });
});
