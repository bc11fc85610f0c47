import { Subjects, type RunStartRequest, type RunStartResponse } from '@vr3/protocol';
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
let fx: AgentStreamFixture;
let other: AgentStreamFixture;

beforeAll(async () => {
  server = await startTestPostgres();
  api = await startFakeCloudonixApi({ bearerToken: TOKEN });
  cp = await startTestControlPlane({ databaseUrl: await server.createDatabase(), config: { providerTimeoutMs: 2000 } });
  fx = await createAgentStreamFixture(cp, { domain: 'dup', bearerToken: TOKEN, apiBaseUrl: api.url });
  other = await createAgentStreamFixture(cp, { domain: 'dup-other', bearerToken: TOKEN, apiBaseUrl: api.url });
});
afterAll(async () => {
  await cp?.close();
  await api?.close();
  await server?.stop();
});

async function admit(f: AgentStreamFixture = fx): Promise<string> {
  const res = await admitStream(cp, f.agentUuid, { Domain: f.domain });
  if (!res.ok) throw new Error(`not admitted: ${res.error.code}`);
  return res.run.id;
}

const startReq = (runId: string, start: Partial<RunStartRequest['start']>): RunStartRequest => ({
  run_id: runId,
  edge_id: 'edge-1',
  start: { stream_id: 'MZ1', custom_parameters: {}, media_format: { encoding: 'mulaw', sampleRate: 8000 }, metadata: {}, ...start },
});
const start = (runId: string, start: Partial<RunStartRequest['start']>) =>
  cp.bus.request<RunStartResponse>(Subjects.RunStart, startReq(runId, start), { timeoutMs: 10_000 });
const run = (id: string) => cp.prisma.workflowRun.findUniqueOrThrow({ where: { id } });

let n = 0;
function liveSession(domain = 'dup'): string {
  const session = `dup-sess-${++n}`;
  api.addSession(domain, session);
  return session;
}

describe('one live provider session streams once', () => {
  it('refuses a second start of a live session with duplicate_session and fails that run', async () => {
    const session = liveSession();
    const first = await admit();
    expect(await start(first, { session_id: session })).toMatchObject({ ok: true });
    const before = api.requests.length;
    const second = await admit();
    expect(await start(second, { session_id: session, stream_id: 'MZ2' })).toEqual({ ok: false, error: { code: 'duplicate_session', message: 'duplicate session' } });
    // The session is validated with the provider (it is a real call), then refused by the live-session index.
    expect(api.requests.length).toBe(before + 1);
    const firstRun = await run(first);
    expect(await run(second)).toMatchObject({ state: 'failed', endReason: 'duplicate_session', durationSeconds: 0, error: `duplicate session: live run ${firstRun.name}` });
    expect(firstRun.state).toBe('running');
  });

  it('keys on the call SID when start has no session id', async () => {
    const callSid = liveSession();
    expect(await start(await admit(), { call_id: callSid })).toMatchObject({ ok: true });
    expect(await start(await admit(), { call_id: callSid })).toMatchObject({ ok: false, error: { code: 'duplicate_session' } });
  });

  it('admits exactly one of two simultaneous starts of the same session', async () => {
    const session = liveSession();
    const [a, b] = [await admit(), await admit()];
    api.setDelay(200); // both pass the early check and validate at the same time
    let results: RunStartResponse[];
    try {
      results = await Promise.all([start(a, { session_id: session }), start(b, { session_id: session })]);
    } finally {
      api.setDelay(0);
    }
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, error: { code: 'duplicate_session', message: 'duplicate session' } }]);
    const states = [(await run(a)).state, (await run(b)).state].sort();
    expect(states).toEqual(['failed', 'running']);
  });

  it('admits a different session, and the same session on another configuration', async () => {
    const session = liveSession();
    expect(await start(await admit(), { session_id: session })).toMatchObject({ ok: true });
    expect(await start(await admit(), { session_id: liveSession() })).toMatchObject({ ok: true });
    api.addSession('dup-other', session);
    expect(await start(await admit(other), { session_id: session })).toMatchObject({ ok: true });
  });

  it('lets a finished session stream again', async () => {
    const session = liveSession();
    const first = await admit();
    expect(await start(first, { session_id: session })).toMatchObject({ ok: true });
    await finalizeRun(cp.prisma, { runId: first, state: 'completed', endReason: 'stream_closed' });
    const again = await admit();
    expect(await start(again, { session_id: session })).toMatchObject({ ok: true });
    expect(await run(again)).toMatchObject({ state: 'running' });
  });
});

describe('start storage', () => {
  it('stores a bounded copy of a 64 KB start payload, ids and media format kept', async () => {
    const session = liveSession();
    const runId = await admit();
    const metadata = {
      streamSid: 'MZ64',
      callSid: 'CA64',
      session,
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000 },
      customParameters: { tenant: 't1', blob: 'x'.repeat(20_000) },
      ...Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`extra${i}`, 'y'.repeat(1_000)])),
      huge: 'z'.repeat(30_000),
    };
    expect(Buffer.byteLength(JSON.stringify(metadata))).toBeGreaterThan(64_000);
    expect(await start(runId, { session_id: session, metadata })).toMatchObject({ ok: true });
    const stored = ((await run(runId)).logs as any).inbound_webhook.start;
    expect(Buffer.byteLength(JSON.stringify(stored))).toBeLessThanOrEqual(8192);
    expect(stored).toMatchObject({ streamSid: 'MZ64', callSid: 'CA64', session, mediaFormat: metadata.mediaFormat, customParameters: { tenant: 't1' } });
    expect(stored.customParameters.blob).toMatch(/…\[truncated 18976 bytes\]$/);
    expect(stored._truncated.dropped).toBeGreaterThan(0);
  });

  it('stores the payload bounded on a failed validation too', async () => {
    const runId = await admit();
    const metadata = { streamSid: 'MZ-bad', huge: 'q'.repeat(64_000) };
    expect(await start(runId, { session_id: 'not-live', metadata })).toMatchObject({ ok: false, error: { code: 'session_validation_failed' } });
    const stored = ((await run(runId)).logs as any).inbound_webhook.start;
    expect(stored).toEqual({ streamSid: 'MZ-bad', huge: `${'q'.repeat(1024)}…[truncated ${64_000 - 1024} bytes]` });
  });
});

describe('a start naming no call', () => {
  it('Cloudonix: no session and no call SID → malformed_handshake, the start recorded, no provider request', async () => {
    const before = api.requests.length;
    const runId = await admit();
    expect(await start(runId, { metadata: { streamSid: 'MZ1' } })).toEqual({ ok: false, error: { code: 'malformed_handshake', message: 'malformed handshake' } });
    expect(api.requests.length).toBe(before);
    const ended = await run(runId);
    expect(ended).toMatchObject({ state: 'failed', endReason: 'malformed_handshake', error: 'malformed handshake: start has no call or session id', telephonyConfigurationId: fx.telephonyConfigurationId });
    expect(ended.gatheredContext).toMatchObject({ stream_id: 'MZ1' });
    expect(ended.logs).toMatchObject({ inbound_webhook: { Domain: fx.domain, start: { streamSid: 'MZ1' } } });
  });
});
