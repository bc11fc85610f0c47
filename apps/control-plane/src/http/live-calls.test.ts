import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Subjects, type RunEventsResponse, type RunStartResponse } from '@vr3/protocol';
import { startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ControlPlaneContext } from '../context.ts';
import { createApiKey } from '../db/api-keys.ts';
import { poolOf } from '../db/prisma.ts';
import { liveCallsSubject } from '../live/feed.ts';
import { LiveStream } from '../live/live-stream.ts';
import { createOrganization } from '../operator/organizations.ts';
import { checkApiEvent } from '../testing/api-contract.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { admitStream, createAgentStreamFixture, type AgentStreamFixture } from '../testing/fixtures.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { createSignInUser, signIn } from '../testing/session.ts';
import { openEventStream, type EventStreamClient } from '../testing/sse-client.ts';

const TOKEN = 'live-calls-cloudonix-token';
const EDGE = 'edge-live';
let server: TestPostgres;
let cp: TestControlPlane;
let api: FakeCloudonixApi;
let fx: AgentStreamFixture;
/** A second organization, its admin key and agent. */
let other: { apiKey: string; agentUuid: string; domain: string };
const open: EventStreamClient[] = [];
/** The API's streams a test opened: every event they received is checked against the contract after it. */
const toCheck: EventStreamClient[] = [];

beforeAll(async () => {
  server = await startTestPostgres();
  api = await startFakeCloudonixApi({ bearerToken: TOKEN });
  cp = await startTestControlPlane({ databaseUrl: await server.createDatabase() });
  fx = await createAgentStreamFixture(cp, { domain: 'live-a', bearerToken: TOKEN, apiBaseUrl: api.url });
  const org = await createOrganization(cp.prisma, { name: 'Other', adminEmail: 'other-admin@example.com' });
  const agent = await cp.api('POST', '/agents', { name: 'Other agent', engine: { type: 'echo' } }, org.apiKey);
  const config = await cp.api('POST', '/telephony-configurations', { provider: 'cloudonix', name: 'Other', domain_id: 'live-b', bearer_token: TOKEN, api_base_url: api.url }, org.apiKey);
  if (agent.status !== 201 || config.status !== 201) throw new Error('other organization set-up failed');
  other = { apiKey: org.apiKey, agentUuid: agent.body.uuid, domain: 'live-b' };
});
afterAll(async () => {
  for (const s of open) s.close();
  await cp?.close();
  await api?.close();
  await server?.stop();
});

const URL_PATH = '/api/v1/live-calls/events';

afterEach(() => {
  for (const s of toCheck.splice(0)) for (const e of s.events) checkApiEvent('GET', '/live-calls/events', e.event, e.data);
});

async function stream(headers: Record<string, string> = { authorization: `Bearer ${cp.apiKey}` }): Promise<EventStreamClient & { body?: unknown }> {
  const s = await openEventStream(`${cp.baseUrl}${URL_PATH}`, headers);
  open.push(s);
  toCheck.push(s);
  return s;
}

async function admit(agentUuid = fx.agentUuid, domain = fx.domain): Promise<string> {
  const res = await admitStream(cp, agentUuid, { Domain: domain, callId: `call-${Math.random()}`, from: '+15555550100', to: '+15555550199' }, { edgeId: EDGE });
  if (!res.ok) throw new Error(`not admitted: ${res.error.code}`);
  return res.run.id;
}

async function start(runId: string, session: string): Promise<void> {
  api.addSession('live-a', session);
  const res = await cp.bus.request<RunStartResponse>(
    Subjects.RunStart,
    { run_id: runId, edge_id: EDGE, start: { stream_id: 'MZ1', session_id: session, custom_parameters: {}, media_format: { encoding: 'mulaw', sampleRate: 8000 }, metadata: {} } },
    { timeoutMs: 5000 },
  );
  if (!res.ok) throw new Error(`not started: ${res.error.code}`);
}

const callOf = (id: string) => (data: { call: { id: string } }) => data.call.id === id;

describe('GET /live-calls/events', () => {
  it('publishes nothing while no stream is open, and call changes once one is', async () => {
    const seen: string[] = [];
    const raw = cp.bus.subscribe(liveCallsSubject(cp.organizationId), (data) => void seen.push((data as { call: { id: string } }).call.id));
    try {
      const unheard = await admit();
      await new Promise((r) => setTimeout(r, 200));
      expect(seen).toEqual([]);
      const s = await stream();
      await s.waitFor('snapshot');
      const heard = await admit();
      await expect.poll(() => seen, { timeout: 3000 }).toContain(heard);
      expect(seen).not.toContain(unheard);
      s.close();
      await cp.api('POST', `/runs/${unheard}/hangup`);
      await cp.api('POST', `/runs/${heard}/hangup`);
    } finally {
      raw.unsubscribe();
    }
  });

  it('refuses a request without a valid credential: 401 JSON, no stream', async () => {
    const none = await stream({});
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    const bad = await stream({ authorization: 'Bearer vr3_not_a_key_0123456789abcdef' });
    expect(bad.status).toBe(401);
    expect(bad.events).toEqual([]);
  });

  it('opens with a snapshot of the live calls of the organization only, with their numbers, provider and edge', async () => {
    const live = await admit();
    const ended = await admit();
    expect((await cp.api('POST', `/runs/${ended}/hangup`)).status).toBe(202);
    const theirs = await admit(other.agentUuid, other.domain);
    const s = await stream();
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(s.headers.get('cache-control')).toContain('no-cache');
    const snapshot = (await s.waitFor<{ calls: Array<Record<string, unknown>>; truncated: boolean; transcripts: boolean }>('snapshot')).data;
    expect(s.retryMs).toBe(3000);
    const ids = snapshot.calls.map((c) => c.id);
    expect(ids).toContain(live);
    expect(ids).not.toContain(ended);
    expect(ids).not.toContain(theirs);
    expect(snapshot).toMatchObject({ truncated: false, transcripts: true });
    expect(snapshot.calls.find((c) => c.id === live)).toMatchObject({
      state: 'initialized',
      call_type: 'inbound',
      provider: 'cloudonix',
      agent: { uuid: fx.agentUuid, name: 'agent live-a' },
      caller_number: '+15555550100',
      called_number: '+15555550199',
      edge_id: EDGE,
      started_at: null,
      end_reason: null,
    });

    const otherStream = await stream({ authorization: `Bearer ${other.apiKey}` });
    const theirSnapshot = (await otherStream.waitFor<{ calls: Array<{ id: string }> }>('snapshot')).data;
    expect(theirSnapshot.calls.map((c) => c.id)).toEqual([theirs]);
  });

  it('pushes call.started, call.updated (running) and call.ended (with the end reason) as they happen, to its organization only', async () => {
    const mine = await stream();
    const theirs = await stream({ authorization: `Bearer ${other.apiKey}` });
    await mine.waitFor('snapshot');
    await theirs.waitFor('snapshot');

    const runId = await admit();
    const started = await mine.waitFor('call.started', callOf(runId));
    expect(started.data.call).toMatchObject({ id: runId, state: 'initialized', provider: 'cloudonix' });

    await start(runId, `sess-${runId}`);
    const updated = await mine.waitFor<{ call: { id: string; state: string; started_at: string | null } }>('call.updated', (d) => d.call.id === runId && d.call.state === 'running');
    expect(updated.data.call.started_at).toEqual(expect.any(String));

    expect((await cp.api('POST', `/runs/${runId}/hangup`)).status).toBe(202);
    const ended = await mine.waitFor('call.ended', callOf(runId));
    expect(ended.data.call).toMatchObject({ id: runId, state: 'completed', end_reason: 'api_hangup', duration_seconds: expect.any(Number) });

    // The other organization's stream saw none of it.
    const theirRun = await admit(other.agentUuid, other.domain);
    await theirs.waitFor('call.started', callOf(theirRun));
    expect(theirs.events.some((e) => e.event !== 'snapshot' && (e.data as { call?: { id: string } }).call?.id === runId)).toBe(false);
    expect(mine.events.some((e) => (e.data as { call?: { id: string } }).call?.id === theirRun)).toBe(false);
  });

  it('pushes the transcript lines of its organization calls as call.transcript, other run events not', async () => {
    const mine = await stream();
    const theirs = await stream({ authorization: `Bearer ${other.apiKey}` });
    await mine.waitFor('snapshot');
    await theirs.waitFor('snapshot');
    const runId = await admit();
    const at = Date.now();
    const res = await cp.bus.request<RunEventsResponse>(
      Subjects.RunEvents,
      {
        run_id: runId,
        edge_id: EDGE,
        events: [
          { seq: 1, at, type: 'transcript', data: { role: 'agent', text: 'Hello, front desk.', final: true } },
          { seq: 2, at: at + 1, type: 'metric', data: { name: 'ttfb', value: 5 } },
          { seq: 3, at: at + 2, type: 'transcript', data: { role: 'caller', text: 'what time is it', final: true } },
        ],
      },
      { timeoutMs: 5000 },
    );
    expect(res.ok).toBe(true);
    await mine.waitFor('call.transcript', (d: { seq: number }) => d.seq === 3);
    const lines = mine.events.filter((e) => e.event === 'call.transcript' && e.data.run_id === runId).map((e) => e.data);
    expect(lines).toEqual([
      { run_id: runId, seq: 1, at: new Date(at).toISOString(), data: { role: 'agent', text: 'Hello, front desk.', final: true } },
      { run_id: runId, seq: 3, at: new Date(at + 2).toISOString(), data: { role: 'caller', text: 'what time is it', final: true } },
    ]);
    expect(theirs.events.some((e) => e.event === 'call.transcript')).toBe(false);
    // Transcript text is never logged.
    expect(cp.logLines.some((l) => l.includes('what time is it'))).toBe(false);
  });

  it('works with a signed-in person session cookie and with a member key', async () => {
    await createSignInUser(cp.prisma, { organizationId: cp.organizationId, email: 'watcher@example.com', password: 'watcher password 1', role: 'member' });
    const session = (await signIn(cp.baseUrl, 'watcher@example.com', 'watcher password 1')).session!;
    const byCookie = await stream({ cookie: session.cookie });
    expect(byCookie.status).toBe(200);
    await byCookie.waitFor('snapshot');
    const member = await createApiKey(cp.prisma, { organizationId: cp.organizationId, userId: cp.userId, name: 'member', role: 'member' });
    const byMember = await stream({ authorization: `Bearer ${member.key}` });
    expect(byMember.status).toBe(200);
    expect((await byMember.waitFor('snapshot')).data.transcripts).toBe(true);
    const runId = await admit();
    await byCookie.waitFor('call.started', callOf(runId));
    await byMember.waitFor('call.started', callOf(runId));
  });
});

describe('one live stream', () => {
  /** Serves one LiveStream per request on the test control-plane's database and bus. */
  async function serve(stillAllowed: () => Promise<boolean>) {
    const ctx = { bus: cp.bus, pool: poolOf(cp.prisma), logger: cp.logger } as unknown as ControlPlaneContext;
    const streams: LiveStream[] = [];
    const srv = http.createServer((_req, res) => {
      const s = new LiveStream(ctx, res, { organizationId: cp.organizationId, transcripts: false, stillAllowed }, { heartbeatMs: 40, recheckMs: 60, maxBufferedBytes: 1 << 20, maxPendingEvents: 10, settleMs: 0 });
      streams.push(s);
      void s.start();
    });
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/`,
      streams,
      close: async () => {
        srv.closeAllConnections();
        await new Promise<void>((resolve) => srv.close(() => resolve()));
      },
    };
  }

  it('sends heartbeat comments, and ends once its credential no longer holds', async () => {
    let allowed = true;
    const srv = await serve(async () => allowed);
    try {
      const s = await openEventStream(srv.url);
      await s.waitFor('snapshot');
      await expect.poll(() => s.comments.filter((c) => c === 'keep-alive').length, { timeout: 2000 }).toBeGreaterThanOrEqual(2);
      allowed = false;
      await s.ended;
      await srv.streams[0]!.done;
    } finally {
      await srv.close();
    }
  });

  it('ends every open stream when the control-plane closes', async () => {
    const s = await stream();
    await s.waitFor('snapshot');
    await cp.controlPlane.close();
    await s.ended;
    const after = await stream();
    expect(after.status).toBe(503);
    expect(after.body).toMatchObject({ error: { code: 'shutting_down' } });
  });
});
