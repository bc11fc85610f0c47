import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudonixMediaClient, startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import { ProductProcess } from '../harness/product.ts';
import { DOMAIN, finalRun, newestRun, setupCloudonix, startCall, type CloudonixSetup } from '../harness/cloudonix.ts';

const TOKEN = `cx-token-${randomUUID()}`;
let product: ProductProcess;
let api: FakeCloudonixApi;
let setup: CloudonixSetup;

beforeAll(async () => {
  api = await startFakeCloudonixApi({ bearerToken: TOKEN });
  product = await ProductProcess.start({ env: { VR3_PROVIDER_TIMEOUT_MS: '700' } });
  setup = await setupCloudonix(product, api, TOKEN);
});

afterAll(async () => {
  await product?.stop();
  await api?.close();
});

const url = (query: Record<string, string>, agentUuid = setup.agentUuid) => product.streamUrl(agentUuid, query);

/** Opens a stream, optionally sends frames, and returns how it closed. */
async function closeOf(streamUrl: string, send: (c: CloudonixMediaClient) => void = () => {}) {
  const client = await CloudonixMediaClient.connect(streamUrl);
  send(client);
  return client.waitForClose(5000);
}

describe('routing failures close 1008', () => {
  it('unknown provider', async () => {
    expect(await closeOf(url({ provider: 'acme-telecom', Domain: 'acme' }))).toEqual({ code: 1008, reason: 'unknown provider' });
  });
  it('missing provider', async () => {
    expect((await closeOf(url({ Domain: 'acme' }))).code).toBe(1008);
  });
  it('agent not found', async () => {
    expect(await closeOf(url({ provider: 'cloudonix', Domain: 'acme' }, randomUUID()))).toEqual({ code: 1008, reason: 'agent not found' });
  });
  it('archived agent is not found', async () => {
    const agent = await product.api('POST', '/agents', { name: 'Old', engine: { type: 'echo' } });
    expect((await product.api('POST', `/agents/${agent.body.uuid}/archive`)).status).toBe(200);
    expect((await closeOf(url({ provider: 'cloudonix', Domain: 'acme' }, agent.body.uuid))).code).toBe(1008);
  });
});

describe('known providers Agent Stream does not support close 1011', () => {
  for (const provider of ['telnyx', 'vonage', 'ari']) {
    it(provider, async () => {
      expect(await closeOf(url({ provider, Domain: 'acme' }))).toEqual({ code: 1011, reason: 'provider not supported' });
    });
  }
});

describe('provider handshake errors close 4400', () => {
  it('missing Domain', async () => {
    expect((await closeOf(url({ provider: 'cloudonix' }))).code).toBe(4400);
  });

  it('no matching telephony configuration', async () => {
    expect(await closeOf(url({ provider: 'cloudonix', Domain: 'someone-else' }))).toEqual({ code: 4400, reason: 'no matching telephony configuration' });
  });

  it('configuration without a bearer token', async () => {
    const cfg = await product.api('POST', '/telephony-configurations', { provider: 'cloudonix', name: 'No token', domain_id: 'notoken', bearer_token: 'x-temporary', api_base_url: api.url });
    expect(cfg.status).toBe(201);
    const cleared = await product.api('PATCH', `/telephony-configurations/${cfg.body.id}`, { bearer_token: null });
    expect(cleared.body.has_bearer_token).toBe(false);
    expect(await closeOf(url({ provider: 'cloudonix', Domain: 'notoken.cloudonix.net' }))).toEqual({ code: 4400, reason: 'configuration has no credentials' });
  });

  it('start before connected ends the run failed', async () => {
    const close = await closeOf(url({ provider: 'cloudonix', Domain: 'acme' }), (c) => c.sendStart({ session: 'x' }));
    expect(close).toEqual({ code: 4400, reason: 'malformed handshake' });
    const run = await finalRun(product, (await newestRun(product, setup.agentUuid)).id);
    expect(run).toMatchObject({ state: 'failed', end_reason: 'malformed_handshake' });
  });

  it('start without streamSid', async () => {
    const close = await closeOf(url({ provider: 'cloudonix', Domain: 'acme' }), (c) => {
      c.sendConnected();
      c.sendRaw(JSON.stringify({ event: 'start', start: { callSid: 'CA1', session: 's' } }));
    });
    expect(close.code).toBe(4400);
  });

  it('a start naming neither a session nor a call: malformed handshake, run failed, no Cloudonix request', async () => {
    const before = api.requests.length;
    const close = await closeOf(url({ provider: 'cloudonix', Domain: 'acme' }), (c) => {
      c.sendConnected();
      c.sendRaw(JSON.stringify({ event: 'start', streamSid: 'MZnoids', start: { streamSid: 'MZnoids', accountSid: 'acme' } }));
    });
    expect(close).toEqual({ code: 4400, reason: 'malformed handshake' });
    const run = await finalRun(product, (await newestRun(product, setup.agentUuid)).id);
    expect(run).toMatchObject({ state: 'failed', end_reason: 'malformed_handshake' });
    expect(api.requests.length).toBe(before);
  });

  it('a frame that is not JSON', async () => {
    const close = await closeOf(url({ provider: 'cloudonix', Domain: 'acme' }), (c) => c.sendRaw('hello'));
    expect(close.code).toBe(4400);
  });

  it('session unknown to Cloudonix fails validation', async () => {
    const before = api.requests.length;
    const close = await closeOf(url({ provider: 'cloudonix', Domain: 'acme', callId: 'c-unknown' }), (c) => {
      c.sendConnected();
      c.sendStart({ session: 'no-such-session', callSid: 'CAx' });
    });
    expect(close).toEqual({ code: 4400, reason: 'session validation failed' });
    const validation = api.requests.slice(before).find((r) => r.method === 'GET');
    expect(validation?.path).toBe(`/customers/self/domains/${DOMAIN}/sessions/no-such-session`);
    expect(validation?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const run = await finalRun(product, (await newestRun(product, setup.agentUuid)).id);
    expect(run).toMatchObject({ state: 'failed', end_reason: 'session_validation_failed', close: { code: 4400, reason: 'session validation failed', initiator: 'edge' } });
  });

  it('validation uses start.callSid when start has no session', async () => {
    api.addSession(DOMAIN, 'CA-as-session');
    const client = await CloudonixMediaClient.connect(url({ provider: 'cloudonix', Domain: 'acme', callId: 'callsid-as-session' }));
    client.sendConnected();
    client.sendRaw(JSON.stringify({ event: 'start', sequenceNumber: '1', start: { streamSid: 'MZ1', callSid: 'CA-as-session', accountSid: 'acme' } }));
    await expect
      .poll(async () => {
        const list = await product.api('GET', `/runs?agent_uuid=${setup.agentUuid}&state=running`);
        return (list.body.data as any[]).some((r) => r.gathered_context?.call_id === 'callsid-as-session');
      }, { timeout: 5000 })
      .toBe(true);
    expect(api.requests.some((r) => r.method === 'GET' && r.path.endsWith('/sessions/CA-as-session'))).toBe(true);
    client.sendStop();
    expect((await client.waitForClose(5000)).code).toBe(1000);
  });

  it('a provider timeout is a validation failure, not a hang', async () => {
    api.addSession(DOMAIN, 'slow-session');
    api.setDelay(3000);
    try {
      const started = Date.now();
      const close = await closeOf(url({ provider: 'cloudonix', Domain: 'acme' }), (c) => {
        c.sendConnected();
        c.sendStart({ session: 'slow-session' });
      });
      expect(close.code).toBe(4400);
      expect(Date.now() - started).toBeLessThan(2500);
    } finally {
      api.setDelay(0);
    }
  });
});

describe('handshake deadline closes 4408', () => {
  it('nothing sent', async () => {
    const started = Date.now();
    expect(await closeOf(url({ provider: 'cloudonix', Domain: 'acme' }))).toEqual({ code: 4408, reason: 'handshake timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    const run = await finalRun(product, (await newestRun(product, setup.agentUuid)).id);
    expect(run).toMatchObject({ state: 'failed', end_reason: 'handshake_timeout' });
  });
  it('connected but no start', async () => {
    expect((await closeOf(url({ provider: 'cloudonix', Domain: 'acme' }), (c) => c.sendConnected())).code).toBe(4408);
  });
});

describe('normal end closes 1000', () => {
  it('stop', async () => {
    const call = await startCall(product, api, setup);
    call.client.sendStop();
    expect((await call.client.waitForClose(5000)).code).toBe(1000);
    expect(await finalRun(product, call.runId)).toMatchObject({ state: 'completed', end_reason: 'caller_hangup', close: { code: 1000, reason: 'call ended', initiator: 'edge' } });
  });

  it('the provider closing the socket: the run records its code and reason, closed by the peer', async () => {
    const call = await startCall(product, api, setup);
    await call.client.close(1000, 'bye');
    const run = await finalRun(product, call.runId);
    expect(run).toMatchObject({ state: 'completed', end_reason: 'stream_closed', close: { code: 1000, reason: 'bye', initiator: 'peer' } });
  });
});

describe('logs', () => {
  it('never contain the stream URL, its query, the agent UUID or a credential', () => {
    const log = product.log();
    expect(log).toContain('listening');
    expect(log).not.toContain(setup.agentUuid);
    expect(log).not.toContain('Domain=');
    expect(log).not.toContain('agent-stream/');
    expect(log).not.toContain(TOKEN);
    expect(log).not.toContain(product.apiKey);
    expect(log).not.toContain('+15555550100');
  });
});
