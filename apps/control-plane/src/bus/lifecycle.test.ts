import { Subjects, type RunFinalizeResponse, type RunStartRequest, type RunStartResponse } from '@vr3/protocol';
import { startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failActiveRuns } from '../db/runs.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { admitStream, createAgentStreamFixture, type AgentStreamFixture } from '../testing/fixtures.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';

const TOKEN = 'fake-cloudonix-token';
let server: TestPostgres;
let cp: TestControlPlane;
let api: FakeCloudonixApi;
let fx: AgentStreamFixture;
let databaseUrl: string;

beforeAll(async () => {
  server = await startTestPostgres();
  api = await startFakeCloudonixApi({ bearerToken: TOKEN });
  databaseUrl = await server.createDatabase();
  cp = await startTestControlPlane({ databaseUrl, config: { providerTimeoutMs: 300 } });
  fx = await createAgentStreamFixture(cp, { domain: 'lifecycle', bearerToken: TOKEN, apiBaseUrl: api.url });
});
afterAll(async () => {
  await cp?.close();
  await api?.close();
  await server?.stop();
});

let sessions = 0;
async function admit(edgeId = 'edge-1'): Promise<{ runId: string; session: string }> {
  const res = await admitStream(cp, fx.agentUuid, { Domain: fx.domain, callId: 'user-call-id' }, { edgeId });
  if (!res.ok) throw new Error(`not admitted: ${res.error.code}`);
  return { runId: res.run.id, session: `sess-${++sessions}` };
}

function startRequest(runId: string, start: Partial<RunStartRequest['start']>): RunStartRequest {
  return {
    run_id: runId,
    edge_id: 'edge-1',
    start: { stream_id: 'MZ1', custom_parameters: {}, media_format: { encoding: 'mulaw', sampleRate: 8000 }, metadata: { tracks: ['inbound'] }, ...start },
  };
}

const start = (req: RunStartRequest) => cp.bus.request<RunStartResponse>(Subjects.RunStart, req, { timeoutMs: 5000 });
const finalize = (body: Record<string, unknown>) => cp.bus.request<RunFinalizeResponse>(Subjects.RunFinalize, { edge_id: 'edge-1', ...body }, { timeoutMs: 5000 });
const run = (id: string) => cp.prisma.workflowRun.findUniqueOrThrow({ where: { id } });

describe('RunStart', () => {
  it('records the start ids, validates the session with the stored token, and moves the run to running', async () => {
    const { runId, session } = await admit();
    api.addSession('lifecycle', session);
    const before = api.requests.length;
    expect(await start(startRequest(runId, { call_id: 'CA1', session_id: session }))).toEqual({ ok: true, settings: {}, initial_context: { caller_number: null, called_number: null } });
    const r = await run(runId);
    expect(r).toMatchObject({ state: 'running', edgeId: 'edge-1' });
    expect(r.startedAt).toBeInstanceOf(Date);
    expect(r.gatheredContext).toEqual({ call_id: 'user-call-id', stream_id: 'MZ1', call_sid: 'CA1', session_id: session });
    expect(r.logs).toEqual({ inbound_webhook: { Domain: 'lifecycle', start: { tracks: ['inbound'] } } });
    const [req] = api.requests.slice(before);
    expect(req).toMatchObject({ method: 'GET', path: `/customers/self/domains/lifecycle.cloudonix.net/sessions/${session}` });
    expect(req?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(cp.logLines.join('')).not.toContain(TOKEN);
  });

  it('names the admitting replica, which answers RunStart on its own subject; another replica id has no responder', async () => {
    const res = await admitStream(cp, fx.agentUuid, { Domain: fx.domain, callId: 'user-call-id' }, { edgeId: 'edge-1' });
    if (!res.ok) throw new Error(`not admitted: ${res.error.code}`);
    const replica = res.run.replica!;
    expect(replica).toMatch(/^[0-9a-f]{12}$/);
    api.addSession('lifecycle', 'sess-own-subject');
    const started = await cp.bus.request<RunStartResponse>(Subjects.runStartAt(replica), startRequest(res.run.id, { session_id: 'sess-own-subject' }), { timeoutMs: 5000 });
    expect(started).toMatchObject({ ok: true });
    expect((await run(res.run.id)).state).toBe('running');
    const other = replica === 'ffffffffffff' ? '000000000000' : 'ffffffffffff';
    await expect(cp.bus.request(Subjects.runStartAt(other), startRequest(res.run.id, { session_id: 'x' }), { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'bus_no_responders' });
  });

  it('starts a run admitted by another replica of the database (read back from it) as the admitting replica does', async () => {
    const other = await startTestControlPlane({ databaseUrl: databaseUrl, secretKey: cp.secretKey, config: { providerTimeoutMs: 300 } });
    try {
      const stored = async (startOn: TestControlPlane) => {
        const { runId, session } = await admit();
        api.addSession('lifecycle', session);
        const res = await startOn.bus.request<RunStartResponse>(Subjects.RunStart, startRequest(runId, { call_id: 'CA2', session_id: session, from: '+15550001111' }), { timeoutMs: 5000 });
        expect(res).toEqual({ ok: true, settings: {}, initial_context: { caller_number: '+15550001111', called_number: null } });
        const r = await run(runId);
        return { state: r.state, edgeId: r.edgeId, configuration: r.telephonyConfigurationId, initial: r.initialContext, logs: r.logs, gathered: { ...(r.gatheredContext as object), session_id: 'any' } };
      };
      const here = await stored(cp);
      expect(here).toMatchObject({ state: 'running', configuration: fx.telephonyConfigurationId });
      expect(await stored(other)).toEqual(here);
    } finally {
      await other.close();
    }
  });

  it('fails the run with session_validation_failed when the provider does not know the session', async () => {
    const { runId } = await admit();
    const res = await start(startRequest(runId, { call_id: 'CA2', session_id: 'unknown-session' }));
    expect(res).toEqual({ ok: false, error: { code: 'session_validation_failed', message: expect.any(String) } });
    expect(await run(runId)).toMatchObject({ state: 'failed', endReason: 'session_validation_failed', durationSeconds: 0, error: expect.stringContaining('provider_rejected') });
  });

  it('treats a provider timeout as a validation failure', async () => {
    const { runId, session } = await admit();
    api.addSession('lifecycle', session);
    api.setDelay(1_500);
    try {
      const t0 = Date.now();
      const res = await start(startRequest(runId, { session_id: session }));
      expect(Date.now() - t0).toBeLessThan(1_400);
      expect(res).toMatchObject({ ok: false, error: { code: 'session_validation_failed' } });
      expect(await run(runId)).toMatchObject({ state: 'failed', endReason: 'session_validation_failed', error: expect.stringContaining('provider_timeout') });
    } finally {
      api.setDelay(0);
    }
  });

  it('fails validation when the stored token is rejected; a start without session or call id is a malformed handshake', async () => {
    const wrong = await createAgentStreamFixture(cp, { domain: 'wrongtoken', bearerToken: 'not-the-token', apiBaseUrl: api.url });
    api.addSession('wrongtoken', 'sess-w');
    const admitted = await admitStream(cp, wrong.agentUuid, { Domain: 'wrongtoken' });
    if (!admitted.ok) throw new Error('not admitted');
    expect(await start(startRequest(admitted.run.id, { session_id: 'sess-w' }))).toMatchObject({ ok: false, error: { code: 'session_validation_failed' } });

    const { runId } = await admit();
    expect(await start(startRequest(runId, {}))).toMatchObject({ ok: false, error: { code: 'malformed_handshake' } });
    expect(await run(runId)).toMatchObject({ state: 'failed', endReason: 'malformed_handshake' });
  });

  it('refuses a start for an unknown or already ended run', async () => {
    expect(await start(startRequest(crypto.randomUUID(), { session_id: 'x' }))).toMatchObject({ ok: false, error: { code: 'internal' } });
    const { runId } = await admit();
    await finalize({ run_id: runId, state: 'failed', end_reason: 'handshake_timeout' });
    expect(await start(startRequest(runId, { session_id: 'x' }))).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});

describe('RunFinalize', () => {
  it('is idempotent: the first terminal write wins', async () => {
    const { runId, session } = await admit();
    api.addSession('lifecycle', session);
    await start(startRequest(runId, { session_id: session }));
    await cp.prisma.workflowRun.update({ where: { id: runId }, data: { startedAt: new Date(Date.now() - 10_200) } });
    const stats = { audio_in_ms: 10_000, audio_out_ms: 9_980.4, frames_in: 500, frames_out: 499, frames_dropped: 1, frames_dropped_by_reason: { socket_backpressure: 1 } };
    expect(await finalize({ run_id: runId, state: 'completed', end_reason: 'caller_hangup', stats })).toEqual({ ok: true, already_final: false });
    expect(await finalize({ run_id: runId, state: 'failed', end_reason: 'edge_lost', error: 'late' })).toEqual({ ok: true, already_final: true });
    const r = await run(runId);
    expect(r).toMatchObject({ state: 'completed', endReason: 'caller_hangup', error: null, durationSeconds: 10, audioInMs: 10_000, audioOutMs: 9_980, framesIn: 500, framesOut: 499, framesDropped: 1 });
    expect(r.framesDroppedByReason).toEqual({ socket_backpressure: 1 });
    expect(r.endedAt).toBeInstanceOf(Date);
    // The REST view shows the split next to the total.
    expect((await cp.api('GET', `/runs/${runId}`)).body.media_stats).toEqual({ ...stats, audio_out_ms: 9_980 });
  });

  it("records the provider's stop reason with the first terminal write only", async () => {
    const { runId } = await admit();
    expect(await finalize({ run_id: runId, state: 'completed', end_reason: 'caller_hangup', stop_reason: 'callended' })).toEqual({ ok: true, already_final: false });
    await finalize({ run_id: runId, state: 'completed', end_reason: 'caller_hangup', stop_reason: 'stopped' });
    const logs = (await run(runId)).logs as { stream_events?: Array<Record<string, unknown>> };
    expect(logs.stream_events).toEqual([{ event: 'stop', reason: 'callended', at: expect.any(String) }]);
  });

  it('gives a never-started run 0 seconds, and answers already_final for unknown runs', async () => {
    const { runId } = await admit();
    expect(await finalize({ run_id: runId, state: 'failed', end_reason: 'handshake_timeout', error: 'no start' })).toEqual({ ok: true, already_final: false });
    expect(await run(runId)).toMatchObject({ state: 'failed', durationSeconds: 0, error: 'no start' });
    expect(await finalize({ run_id: crypto.randomUUID(), state: 'completed', end_reason: 'caller_hangup' })).toEqual({ ok: true, already_final: true });
  });

  it('records how the socket closed with the first terminal write, and shows it on the run', async () => {
    const byEdge = (await admit()).runId;
    expect(await finalize({ run_id: byEdge, state: 'failed', end_reason: 'session_validation_failed', close: { code: 4400, reason: 'session validation failed', initiator: 'edge' } })).toEqual({ ok: true, already_final: false });
    await finalize({ run_id: byEdge, state: 'completed', end_reason: 'caller_hangup', close: { code: 1000, reason: '', initiator: 'peer' } });
    expect(await run(byEdge)).toMatchObject({ closeCode: 4400, closeReason: 'session validation failed', closeInitiator: 'edge' });
    expect((await cp.api('GET', `/runs/${byEdge}`)).body.close).toEqual({ code: 4400, reason: 'session validation failed', initiator: 'edge' });

    const byPeer = (await admit()).runId;
    await finalize({ run_id: byPeer, state: 'completed', end_reason: 'stream_closed', close: { code: 1000, reason: 'bye', initiator: 'peer' } });
    const listed = (await cp.api('GET', `/runs?agent_uuid=${fx.agentUuid}&end_reason=stream_closed`)).body.data as Array<{ id: string; close: unknown }>;
    expect(listed.find((r) => r.id === byPeer)?.close).toEqual({ code: 1000, reason: 'bye', initiator: 'peer' });

    // A run the control-plane ended first (a refused start): the edge's finalize still records the close, once.
    const refused = (await admit()).runId;
    expect((await start(startRequest(refused, { session_id: 'unknown-session' }))).ok).toBe(false);
    expect(await finalize({ run_id: refused, state: 'failed', end_reason: 'session_validation_failed', close: { code: 4400, reason: 'session validation failed', initiator: 'edge' } })).toEqual({ ok: true, already_final: true });
    await finalize({ run_id: refused, state: 'failed', end_reason: 'session_validation_failed', close: { code: 1011, reason: 'late', initiator: 'edge' } });
    expect(await run(refused)).toMatchObject({ state: 'failed', endReason: 'session_validation_failed', closeCode: 4400, closeInitiator: 'edge' });

    // An edge that sends no close (an older edge, or none was known): the run keeps null.
    const none = (await admit()).runId;
    await finalize({ run_id: none, state: 'completed', end_reason: 'caller_hangup' });
    expect((await cp.api('GET', `/runs/${none}`)).body.close).toBeNull();
  });

  it('refuses a close it cannot store: a reason over 123 bytes, NUL, a code outside 1000-4999, an unknown initiator', async () => {
    const { runId } = await admit();
    for (const close of [
      { code: 1000, reason: 'é'.repeat(62), initiator: 'peer' },
      { code: 1000, reason: 'a\u0000b', initiator: 'peer' },
      { code: 999, reason: '', initiator: 'peer' },
      { code: 1000, reason: '', initiator: 'provider' },
    ]) {
      await expect(finalize({ run_id: runId, state: 'completed', end_reason: 'caller_hangup', close })).rejects.toThrow();
    }
    expect((await run(runId)).state).toBe('initialized');
  });

  it('lets only one of many concurrent finalizers win', async () => {
    const { runId } = await admit();
    const answers = await Promise.all(
      ['caller_hangup', 'agent_hangup', 'edge_lost', 'stream_closed'].map((reason) => finalize({ run_id: runId, state: 'completed', end_reason: reason })),
    );
    expect(answers.filter((a) => !a.already_final)).toHaveLength(1);
  });
});

describe('failActiveRuns', () => {
  it('fails live runs, optionally only those of given edges', async () => {
    const a = await admit('edge-x');
    const b = await admit('edge-y');
    const done = await admit('edge-x');
    await finalize({ run_id: done.runId, state: 'completed', end_reason: 'caller_hangup' });
    expect(await failActiveRuns(cp.prisma, { endReason: 'edge_lost', edgeIds: [] })).toEqual([]);
    expect(await failActiveRuns(cp.prisma, { endReason: 'edge_lost', edgeIds: ['edge-x'] })).toEqual([{ id: a.runId, started: false }]);
    expect(await run(a.runId)).toMatchObject({ state: 'failed', endReason: 'edge_lost', durationSeconds: 0 });
    expect(await run(b.runId)).toMatchObject({ state: 'initialized' });
    expect(await run(done.runId)).toMatchObject({ state: 'completed' });
    expect((await failActiveRuns(cp.prisma, { endReason: 'server_error' })).map((r) => r.id)).toContain(b.runId);
    expect(await run(b.runId)).toMatchObject({ state: 'failed', endReason: 'server_error' });
    expect(await cp.prisma.workflowRun.count({ where: { state: { in: ['initialized', 'running'] } } })).toBe(0);
  });
});
