import { Subjects, type RunActionResponse, type RunStartRequest, type RunStartResponse } from '@vr3/protocol';
import { startFakeProviderApi, type FakeApiProvider, type FakeProviderApi } from '@vr3/providers/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { admitStream } from '../testing/fixtures.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';

const ACCOUNT_FIELD = { exotel: 'account_sid', twilio: 'account_sid', vobiz: 'auth_id', plivo: 'auth_id' } as const;
const QUERY_PARAM = { exotel: 'AccountSid', twilio: 'AccountSid', vobiz: 'AuthId', plivo: 'AuthId' } as const;

let server: TestPostgres;
let cp: TestControlPlane;
const apis = new Map<FakeApiProvider, FakeProviderApi>();
const configs = new Map<FakeApiProvider, string>();
let agentUuid: string;

beforeAll(async () => {
  server = await startTestPostgres();
  cp = await startTestControlPlane({ databaseUrl: await server.createDatabase(), config: { providerTimeoutMs: 500 } });
  agentUuid = (await cp.api('POST', '/agents', { name: 'multi', engine: { type: 'echo' } })).body.uuid;
  for (const provider of ['exotel', 'twilio', 'vobiz', 'plivo'] as const) {
    const api = await startFakeProviderApi(provider);
    apis.set(provider, api);
    const settings = provider === 'vobiz' ? { l16_inbound_byte_order: 'little' } : undefined;
    const res = await cp.api('POST', '/telephony-configurations', {
      provider,
      name: provider,
      [ACCOUNT_FIELD[provider]]: api.accountId,
      ...api.credentials,
      api_base_url: api.url,
      ...(settings ? { settings } : {}),
    });
    if (res.status !== 201) throw new Error(`configuration failed: ${JSON.stringify(res.body)}`);
    configs.set(provider, res.body.id);
  }
});
afterAll(async () => {
  await cp?.close();
  for (const api of apis.values()) await api.close();
  await server?.stop();
});

const start = (req: RunStartRequest) => cp.bus.request<RunStartResponse>(Subjects.RunStart, req, { timeoutMs: 5000 });
const runOf = (id: string) => cp.prisma.workflowRun.findUniqueOrThrow({ where: { id } });
const startBody = (start: Partial<RunStartRequest['start']>): RunStartRequest['start'] => ({
  stream_id: 'S1',
  custom_parameters: {},
  media_format: { encoding: 'mulaw', sampleRate: 8000 },
  metadata: {},
  ...start,
});

async function admit(provider: FakeApiProvider, query: Record<string, string> = {}): Promise<string> {
  const res = await admitStream(cp, agentUuid, query, { provider });
  if (!res.ok) throw new Error(`not admitted: ${res.error.code}`);
  expect(res.run.telephony_configuration_id).toBeNull();
  return res.run.id;
}

describe.each(['exotel', 'twilio', 'vobiz', 'plivo'] as const)('%s: configuration named by start', (provider) => {
  it('matches the account in start, validates the call, stamps the configuration and fills numbers', async () => {
    const api = apis.get(provider)!;
    api.addCall(`${provider}-call-1`);
    const runId = await admit(provider);
    const res = await start({ run_id: runId, edge_id: 'e1', start: startBody({ call_id: `${provider}-call-1`, account_id: api.accountId, from: '+911', to: '+912' }) });
    // The engine gets the context as completed by `start` (the numbers only `start` carried).
    expect(res).toEqual({ ok: true, settings: provider === 'vobiz' ? { l16_inbound_byte_order: 'little' } : {}, initial_context: { caller_number: '+911', called_number: '+912' } });
    const run = await runOf(runId);
    expect(run).toMatchObject({ state: 'running', mode: provider, telephonyConfigurationId: configs.get(provider) });
    expect(run.initialContext).toEqual({ caller_number: '+911', called_number: '+912' });
    expect(run.gatheredContext).toMatchObject({ call_id: `${provider}-call-1`, call_sid: `${provider}-call-1`, account_id: api.accountId });
    expect(api.requests.at(-1)?.method).toBe('GET');
  });

  it('falls back to the account query parameter when start has none', async () => {
    const api = apis.get(provider)!;
    api.addCall(`${provider}-call-2`);
    const runId = await admit(provider, { [QUERY_PARAM[provider]]: api.accountId, from: '+100' });
    expect(await start({ run_id: runId, edge_id: 'e1', start: startBody({ call_id: `${provider}-call-2`, from: '+999' }) })).toMatchObject({ ok: true });
    const run = await runOf(runId);
    expect(run.initialContext).toEqual({ caller_number: '+100', called_number: null });
    expect(run.logs).toMatchObject({ inbound_webhook: { [QUERY_PARAM[provider]]: api.accountId } });
  });

  it('fails the run with 4400 codes: no account, unknown account, call not live', async () => {
    const cases: Array<[Partial<RunStartRequest['start']>, string, string]> = [
      [{ call_id: 'x' }, 'missing_provider_identifier', 'malformed_handshake'],
      [{ call_id: 'x', account_id: 'someone-else' }, 'configuration_not_found', 'malformed_handshake'],
      [{ call_id: 'x', account_id: 'not valid!' }, 'configuration_not_found', 'malformed_handshake'],
      [{ call_id: 'not-live', account_id: apis.get(provider)!.accountId }, 'session_validation_failed', 'session_validation_failed'],
    ];
    for (const [body, code, endReason] of cases) {
      const runId = await admit(provider);
      expect(await start({ run_id: runId, edge_id: 'e1', start: startBody(body) })).toMatchObject({ ok: false, error: { code } });
      expect(await runOf(runId)).toMatchObject({ state: 'failed', endReason });
    }
  });

  it('a refused configuration records the account presented (start, else the query parameter) on the run', async () => {
    const fromStart = await admit(provider);
    const startRefused = startBody({ call_id: 'x', account_id: 'someone-else', metadata: { accountSid: 'someone-else' } });
    expect(await start({ run_id: fromStart, edge_id: 'e1', start: startRefused })).toMatchObject({ ok: false, error: { code: 'configuration_not_found' } });
    const refused = await runOf(fromStart);
    expect(refused).toMatchObject({ state: 'failed', endReason: 'malformed_handshake', error: 'configuration_not_found: account "someone-else"' });
    expect(refused.gatheredContext).toMatchObject({ account_id: 'someone-else', call_sid: 'x' });
    expect(refused.logs).toMatchObject({ inbound_webhook: { start: { accountSid: 'someone-else' } } });

    const fromQuery = await admit(provider, { [QUERY_PARAM[provider]]: 'nobody-here' });
    expect(await start({ run_id: fromQuery, edge_id: 'e1', start: startBody({ call_id: 'y' }) })).toMatchObject({ ok: false, error: { code: 'configuration_not_found' } });
    expect(await runOf(fromQuery)).toMatchObject({ state: 'failed', error: 'configuration_not_found: account "nobody-here"' });

    const none = await admit(provider);
    expect(await start({ run_id: none, edge_id: 'e1', start: startBody({ call_id: 'z' }) })).toMatchObject({ ok: false, error: { code: 'missing_provider_identifier' } });
    expect(await runOf(none)).toMatchObject({ state: 'failed', error: 'missing_provider_identifier' });
  });

  it('a start without call or session id fails malformed_handshake before any provider request', async () => {
    const api = apis.get(provider)!;
    const before = api.requests.length;
    const runId = await admit(provider);
    const res = await start({ run_id: runId, edge_id: 'e1', start: startBody({ account_id: api.accountId, session_id: '' }) });
    expect(res).toEqual({ ok: false, error: { code: 'malformed_handshake', message: 'malformed handshake' } });
    expect(await runOf(runId)).toMatchObject({ state: 'failed', endReason: 'malformed_handshake', error: 'malformed handshake: start has no call or session id' });
    expect(api.requests.length).toBe(before);
  });
});

describe('configuration without credentials', () => {
  it('fails the run configuration_missing_credentials', async () => {
    await cp.api('POST', '/telephony-configurations', { provider: 'twilio', name: 'empty', account_sid: 'ACempty' });
    const runId = await admit('twilio');
    expect(await start({ run_id: runId, edge_id: 'e1', start: startBody({ call_id: 'c', account_id: 'ACempty' }) })).toMatchObject({
      ok: false,
      error: { code: 'configuration_missing_credentials' },
    });
  });
});

describe('RunAction transfer on Exotel', () => {
  it('needs no target (the next applet transfers)', async () => {
    const api = apis.get('exotel')!;
    api.addCall('ex-transfer');
    const runId = await admit('exotel');
    await start({ run_id: runId, edge_id: 'e1', start: startBody({ call_id: 'ex-transfer', account_id: api.accountId }) });
    const res = await cp.bus.request<RunActionResponse>(Subjects.RunAction, { run_id: runId, action: 'transfer' }, { timeoutMs: 5000 });
    expect(res).toEqual({ ok: true });
    const twilioRun = await admit('twilio');
    apis.get('twilio')!.addCall('tw-transfer');
    await start({ run_id: twilioRun, edge_id: 'e1', start: startBody({ call_id: 'tw-transfer', account_id: apis.get('twilio')!.accountId }) });
    expect(await cp.bus.request<RunActionResponse>(Subjects.RunAction, { run_id: twilioRun, action: 'transfer' }, { timeoutMs: 5000 })).toMatchObject({
      ok: false,
      error: { code: 'transfer_target_required' },
    });
  });
});
