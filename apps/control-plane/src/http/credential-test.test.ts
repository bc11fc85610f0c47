/**
 * `POST /telephony-configurations/{id}/test` and `POST /service-credentials/{id}/test` on a real
 * database, against real stand-ins of every provider's and vendor's API: stored credentials that
 * the stand-in accepts pass, others are `invalid_credentials` with its status, a dead or slow host
 * is `unreachable` within the provider timeout; admin only, other organizations' ids are 404, and
 * no answer or log line holds a secret.
 */
import { createServer } from 'node:net';
import { PROVIDER_DESCRIPTORS } from '@vr3/providers';
import { startFakeProviderApi, STAND_IN_ROUTES, type FakeProviderApi } from '@vr3/providers/testing';
import {
  startCartesiaStandIn,
  startDeepgramStandIn,
  startElevenLabsStandIn,
  startOpenAiCompatibleStandIn,
} from '@vr3/vendors/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../db/api-keys.ts';
import { createOrganization } from '../operator/organizations.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';

let server: TestPostgres;
let cp: TestControlPlane;
let memberKey: string;
let other: { organizationId: string; apiKey: string };
let deadUrl: string;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  server = await startTestPostgres();
  cp = await startTestControlPlane({ databaseUrl: await server.createDatabase() });
  const member = await cp.prisma.user.create({ data: { organizationId: cp.organizationId, name: 'member', role: 'member' } });
  memberKey = (await createApiKey(cp.prisma, { organizationId: cp.organizationId, userId: member.id, name: 'member key', role: 'member' })).key;
  other = await createOrganization(cp.prisma, { name: 'Other', adminEmail: 'admin@other.example' });
  const port = createServer();
  await new Promise<void>((resolve) => port.listen(0, '127.0.0.1', resolve));
  deadUrl = `http://127.0.0.1:${(port.address() as { port: number }).port}`;
  await new Promise<void>((resolve) => port.close(() => resolve()));
});
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await cp?.close();
  await server?.stop();
});

/** The response never shows a secret, and no log line does either. */
function expectNoSecret(body: unknown, secrets: readonly string[]): void {
  for (const secret of secrets) {
    expect(JSON.stringify(body)).not.toContain(secret);
    expect(cp.logLines.join('\n')).not.toContain(secret);
  }
}

describe('POST /telephony-configurations/{id}/test', () => {
  for (const { name, telephony } of PROVIDER_DESCRIPTORS) {
    const routes = STAND_IN_ROUTES[name];

    it(`${name}: checks the stored credentials against the provider's account read`, async () => {
      const api: FakeProviderApi = await startFakeProviderApi(name);
      closers.push(() => api.close());
      const create = async (credentials: Record<string, string>, baseUrl: string, account = api.accountId): Promise<string> => {
        const res = await cp.api('POST', '/telephony-configurations', { provider: name, name: `${name} ${baseUrl}`, [telephony.accountField]: account, ...credentials, api_base_url: baseUrl });
        expect(res.status).toBe(201);
        return res.body.id;
      };
      const test = (id: string, key?: string) => cp.api('POST', `/telephony-configurations/${id}/test`, undefined, key);

      const right = await test(await create(api.credentials, api.url));
      expect(right).toMatchObject({ status: 200, body: { ok: true, status: 200 } });
      expect(right.body.error).toBeUndefined();
      expect(Date.parse(right.body.checked_at)).toBeGreaterThan(Date.now() - 60_000);
      expect(right.body.latency_ms).toBeGreaterThanOrEqual(0);

      const wrongSecret = `wrong-${name}-secret-0123456789`;
      const wrong = await test(await create({ ...api.credentials, [routes.auth.secret]: wrongSecret }, `${api.url}/`, `${routes.testAccount}x`));
      expect(wrong).toMatchObject({ status: 200, body: { ok: false, status: 401, error: { code: 'invalid_credentials' } } });

      const dead = await test(await create(api.credentials, deadUrl, `${routes.testAccount}d`));
      expect(dead).toMatchObject({ status: 200, body: { ok: false, error: { code: 'unreachable', message: `${name} unreachable: connection refused` } } });
      expect(dead.body.status).toBeUndefined();

      expectNoSecret([right.body, wrong.body, dead.body], [wrongSecret, ...Object.values(api.credentials)]);
    });
  }

  it('bounds the check with the provider timeout', async () => {
    const api = await startFakeProviderApi('twilio');
    closers.push(() => api.close());
    const id = (await cp.api('POST', '/telephony-configurations', { provider: 'twilio', name: 'slow', account_sid: `${api.accountId}S`, ...api.credentials, api_base_url: api.url })).body.id;
    api.setDelay(3_000);
    const started = Date.now();
    const slow = await cp.api('POST', `/telephony-configurations/${id}/test`);
    expect(slow).toMatchObject({ status: 200, body: { ok: false, error: { code: 'unreachable', message: 'twilio did not answer within 1000 ms' } } });
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('is 422 without stored credentials, 404 for an unknown or foreign id, 403 for a member', async () => {
    const bare = (await cp.api('POST', '/telephony-configurations', { provider: 'exotel', name: 'bare', account_sid: 'exotel-bare' })).body.id;
    expect(await cp.api('POST', `/telephony-configurations/${bare}/test`)).toMatchObject({ status: 422, body: { error: { code: 'credentials_required' } } });
    expect(await cp.api('POST', `/telephony-configurations/${crypto.randomUUID()}/test`)).toMatchObject({ status: 404, body: { error: { code: 'telephony_configuration_not_found' } } });
    expect(await cp.api('POST', `/telephony-configurations/${bare}/test`, undefined, other.apiKey)).toMatchObject({ status: 404, body: { error: { code: 'telephony_configuration_not_found' } } });
    expect(await cp.api('POST', `/telephony-configurations/${bare}/test`, undefined, memberKey)).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
  });
});

describe('POST /service-credentials/{id}/test', () => {
  const KEY = 'vendor-right-key-Z9yX8wV7uT6sR5q';
  const WRONG = 'vendor-wrong-key-P4oN3mL2kJ1iH0g';
  const STAND_INS = {
    openai: async () => startOpenAiCompatibleStandIn({ apiKey: KEY }),
    deepgram: async () => startDeepgramStandIn({ apiKey: KEY }),
    elevenlabs: async () => startElevenLabsStandIn({ apiKey: KEY }),
    cartesia: async () => startCartesiaStandIn({ apiKey: KEY }),
  } as const;

  for (const [vendor, start] of Object.entries(STAND_INS)) {
    it(`${vendor}: checks the stored key against the vendor's API`, async () => {
      const standIn = await start();
      closers.push(() => standIn.close());
      // A credential's base_url is http(s); the streaming vendors' clients read it as ws(s).
      const baseUrl = standIn.url.replace(/^ws/, 'http');
      const create = async (apiKey: string, baseUrl: string): Promise<string> => {
        const res = await cp.api('POST', '/service-credentials', { vendor, name: vendor, api_key: apiKey, base_url: baseUrl });
        expect(res.status).toBe(201);
        return res.body.id;
      };
      const test = (id: string) => cp.api('POST', `/service-credentials/${id}/test`);

      const right = await test(await create(KEY, baseUrl));
      expect(right).toMatchObject({ status: 200, body: { ok: true, status: 200 } });
      const wrong = await test(await create(WRONG, baseUrl));
      expect(wrong).toMatchObject({ status: 200, body: { ok: false, status: 401, error: { code: 'invalid_credentials', message: `${vendor} refused the credentials (HTTP 401)` } } });
      const dead = await test(await create(KEY, deadUrl));
      expect(dead).toMatchObject({ status: 200, body: { ok: false, error: { code: 'unreachable' } } });
      expectNoSecret([right.body, wrong.body, dead.body], [KEY, WRONG]);
    });
  }

  it('is 404 for an unknown or foreign id, 403 for a member', async () => {
    const id = (await cp.api('POST', '/service-credentials', { vendor: 'openai', name: 'x', api_key: KEY })).body.id;
    expect(await cp.api('POST', `/service-credentials/${crypto.randomUUID()}/test`)).toMatchObject({ status: 404, body: { error: { code: 'service_credential_not_found' } } });
    expect(await cp.api('POST', `/service-credentials/${id}/test`, undefined, other.apiKey)).toMatchObject({ status: 404, body: { error: { code: 'service_credential_not_found' } } });
    expect(await cp.api('POST', `/service-credentials/${id}/test`, undefined, memberKey)).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
  });
});
