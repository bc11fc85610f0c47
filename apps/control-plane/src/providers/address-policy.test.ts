/**
 * DNS rebinding: a provider API host that resolved to a public address when its URL was saved and
 * to a private one when a call is validated. The validation refuses to connect and the run fails
 * `session_validation_failed`; with the operator switch the same host is reached.
 */
import { Subjects, type RunStartRequest, type RunStartResponse } from '@vr3/protocol';
import type { ResolveHost } from '@vr3/providers';
import { startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { admitStream, createAgentStreamFixture } from '../testing/fixtures.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';

const TOKEN = 'rebinding-cloudonix-token';
const HOST = 'api.rebind.example.com';

let server: TestPostgres;
let api: FakeCloudonixApi;
let strict: TestControlPlane;
let lenient: TestControlPlane;

/** What `HOST` resolves to right now, and every name asked for. */
let answer: string[] = ['93.184.215.14'];
const asked: string[] = [];
const resolveProviderHost: ResolveHost = async (hostname) => {
  asked.push(hostname);
  if (hostname !== HOST) throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
  return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }) as const);
};

beforeAll(async () => {
  server = await startTestPostgres();
  api = await startFakeCloudonixApi({ bearerToken: TOKEN });
  strict = await startTestControlPlane({
    databaseUrl: await server.createDatabase(),
    resolveProviderHost,
    config: { allowInsecureProviderUrls: false, providerTimeoutMs: 2000 },
  });
  lenient = await startTestControlPlane({
    databaseUrl: await server.createDatabase(),
    resolveProviderHost,
    config: { allowInsecureProviderUrls: true, providerTimeoutMs: 2000 },
  });
});
afterAll(async () => {
  await strict?.close();
  await lenient?.close();
  await api?.close();
  await server?.stop();
});

const startReq = (runId: string, session: string): RunStartRequest => ({
  run_id: runId,
  edge_id: 'edge-1',
  start: { stream_id: 'MZ1', session_id: session, custom_parameters: {}, media_format: { encoding: 'mulaw', sampleRate: 8000 }, metadata: {} },
});

/** Admits a Cloudonix stream for `domain` on `cp` and sends its `start`. */
async function startCall(cp: TestControlPlane, agentUuid: string, domain: string, session: string): Promise<{ runId: string; res: RunStartResponse }> {
  const admitted = await admitStream(cp, agentUuid, { Domain: domain });
  if (!admitted.ok) throw new Error(`not admitted: ${admitted.error.code}`);
  const res = await cp.bus.request<RunStartResponse>(Subjects.RunStart, startReq(admitted.run.id, session), { timeoutMs: 10_000 });
  return { runId: admitted.run.id, res };
}

describe('provider API host checked on the address the validation call connects to', () => {
  it('resolves publicly at save, privately at call time: no connection, session_validation_failed', async () => {
    answer = ['93.184.215.14'];
    const port = new URL(api.url).port;
    const fx = await createAgentStreamFixture(strict, { domain: 'rebind', bearerToken: TOKEN, apiBaseUrl: `https://${HOST}:${port}` });
    expect(asked).toContain(HOST); // checked (and accepted) at save
    api.addSession('rebind', 'sess-1');

    answer = ['127.0.0.1']; // the attacker's DNS now points at the internal fake
    asked.length = 0;
    const connectionsBefore = api.connections;
    const { runId, res } = await startCall(strict, fx.agentUuid, 'rebind', 'sess-1');
    expect(res).toEqual({ ok: false, error: { code: 'session_validation_failed', message: 'session validation failed' } });
    expect(asked).toEqual([HOST]); // resolved again at connect time
    expect(api.connections).toBe(connectionsBefore);
    expect(api.requests).toHaveLength(0);
    expect(await strict.prisma.workflowRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
      state: 'failed',
      endReason: 'session_validation_failed',
      error: 'session validation failed: provider_address_not_allowed',
    });
    expect(strict.logLines.join('')).not.toContain(TOKEN);
  });

  it('control: with VR3_ALLOW_INSECURE_PROVIDER_URLS the same answer reaches the fake and the call starts', async () => {
    answer = ['127.0.0.1'];
    const port = new URL(api.url).port;
    const fx = await createAgentStreamFixture(lenient, { domain: 'rebind-ok', bearerToken: TOKEN, apiBaseUrl: `http://${HOST}:${port}` });
    api.addSession('rebind-ok', 'sess-2');
    const { res } = await startCall(lenient, fx.agentUuid, 'rebind-ok', 'sess-2');
    expect(res).toMatchObject({ ok: true });
    expect(api.requests.at(-1)).toMatchObject({ method: 'GET', path: '/customers/self/domains/rebind-ok.cloudonix.net/sessions/sess-2' });
  });
});
