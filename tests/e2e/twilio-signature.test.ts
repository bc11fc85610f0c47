/**
 * Twilio streams on a product that knows its public URL (`VR3_PUBLIC_URL`): the `X-Twilio-Signature`
 * of the WebSocket upgrade is checked against the telephony configuration's auth token. The signer
 * here is the official `twilio` package, as Twilio itself signs.
 */
import { randomUUID } from 'node:crypto';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProviderApi, TwilioMediaClient, type FakeProviderApi } from '@vr3/providers/testing';
import { eventually, ProductProcess } from '../harness/product.ts';
import { finalRun, newestRun, providerStreamUrl, setupProvider, type ProviderSetup } from '../harness/providers.ts';

/** What Twilio is told to connect to: TLS ends in front of the product, which sees plain ws. */
const PUBLIC_URL = 'wss://voice.example.test';

let product: ProductProcess;
let api: FakeProviderApi;
let setup: ProviderSetup;
const clients: TwilioMediaClient[] = [];

beforeAll(async () => {
  api = await startFakeProviderApi('twilio');
  product = await ProductProcess.start({ env: { VR3_PUBLIC_URL: PUBLIC_URL, VR3_PROVIDER_TIMEOUT_MS: '1000' } });
  setup = await setupProvider(product, api);
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close(1000, '', 500).catch(() => undefined)));
  await product?.stop();
  await api?.close();
});

/** The stream URL as the product is reached (`ws://127.0.0.1:port/…`) and as Twilio requested it (`wss://voice.example.test/…`). */
function urls(query: Record<string, string> | null): { local: string; public: string } {
  const local = providerStreamUrl(product, setup, query);
  return { local, public: PUBLIC_URL + local.replace(/^ws:\/\/[^/]+/, '') };
}

/** A Twilio stream with `signature` (none when undefined) that sends `connected` and `start` for a live call. */
async function stream(local: string, signature: string | undefined): Promise<{ client: TwilioMediaClient; callId: string }> {
  const callId = `CA${randomUUID().replace(/-/g, '')}`;
  api.addCall(callId);
  const client = await TwilioMediaClient.connect(local, signature === undefined ? {} : { headers: { 'X-Twilio-Signature': signature } });
  clients.push(client);
  client.begin({ accountId: api.accountId, callId });
  return { client, callId };
}

async function runOf(callId: string): Promise<any> {
  return eventually(async () => {
    const list = await product.api('GET', `/runs?agent_uuid=${setup.agentUuid}&limit=100`);
    return (list.body.data as any[]).find((r) => r.gathered_context?.call_sid === callId);
  }, 5000);
}

const validations = (callId: string) => api.requests.filter((r) => r.method === 'GET' && r.path.includes(callId));

describe('X-Twilio-Signature on the upgrade request', () => {
  it('a stream signed by Twilio for the public URL is admitted, validated and runs (path form and query form)', async () => {
    for (const query of [null, { AccountSid: api.accountId }]) {
      const u = urls(query);
      const { client, callId } = await stream(u.local, getExpectedTwilioSignature(api.credentials.auth_token!, u.public, {}));
      const run = await eventually(async () => {
        const r = await runOf(callId);
        return r.state === 'running' ? r : undefined;
      }, 5000);
      expect(run).toMatchObject({ state: 'running', mode: 'twilio' });
      expect(validations(callId)).toHaveLength(1);
      client.sendStop();
      expect(await finalRun(product, run.id)).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
    }
  });

  it.each([
    ['signed with another auth token', () => getExpectedTwilioSignature('not-the-auth-token', urls(null).public, {})],
    ['signed for the URL the product sees instead of the public one', () => getExpectedTwilioSignature(api.credentials.auth_token!, urls(null).local, {})],
    ['signed for another agent', () => getExpectedTwilioSignature(api.credentials.auth_token!, urls(null).public.replace(setup.agentUuid, randomUUID()), {})],
    ['not signed', () => undefined],
  ])('a stream %s is refused 4400 invalid signature; its run fails invalid_signature; the provider API is not called', async (_case, sign) => {
    const before = (await newestRun(product, setup.agentUuid))?.id;
    const { client, callId } = await stream(urls(null).local, sign());
    expect(await client.waitForClose(5000)).toEqual({ code: 4400, reason: 'invalid signature' });
    // Refused before `start` is recorded: the run is the agent's newest.
    const refused = await newestRun(product, setup.agentUuid);
    expect(refused.id).not.toBe(before);
    const run = await finalRun(product, refused.id);
    expect(run).toMatchObject({ state: 'failed', end_reason: 'invalid_signature' });
    expect(run.error).toMatch(/^invalid signature: X-Twilio-Signature (missing|does not match)$/);
    expect(validations(callId)).toHaveLength(0);
  });
});
