/**
 * The credentials check of every provider against the provider REST stand-in (a real server
 * speaking each provider's account read): right credentials pass, wrong ones are
 * `invalid_credentials` with the provider's status, a dead or slow host is `unreachable`, another
 * answer `unexpected_response`; results never hold the secret.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runCredentialProbe } from './credential-check.ts';
import type { ConfiguredClientOptions } from './descriptor.ts';
import { PROVIDER_DESCRIPTORS } from './registry.ts';
import { startFakeProviderApi, type FakeProviderApi } from './testing/fake-provider-api.ts';
import { STAND_IN_ROUTES } from './testing/stand-in-registry.ts';

let api: FakeProviderApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** A port nothing listens on (bound, then released). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('checkCredentials of each provider', () => {
  for (const descriptor of PROVIDER_DESCRIPTORS) {
    const { name, telephony } = descriptor;
    const routes = STAND_IN_ROUTES[name];
    const options = (baseUrl: string, credentials: Readonly<Record<string, string>>, accountId = routes.testAccount): ConfiguredClientOptions => ({
      baseUrl,
      accountId: telephony.normalizeAccount(accountId),
      credentials,
      timeoutMs: 1000,
    });

    it(`${name}: right credentials pass; wrong ones, or another account, are invalid_credentials`, async () => {
      api = await startFakeProviderApi(name);
      const good = await telephony.checkCredentials(options(api.url, api.credentials));
      expect(good).toMatchObject({ ok: true, status: 200 });
      expect(good.error).toBeUndefined();
      expect(good.latencyMs).toBeGreaterThanOrEqual(0);
      expect(api.requests).toHaveLength(1);

      const secret = `wrong-${name}-secret-value`;
      const wrong = await telephony.checkCredentials(options(api.url, { ...api.credentials, [routes.auth.secret]: secret }));
      expect(wrong).toMatchObject({ ok: false, status: 401, error: { code: 'invalid_credentials' } });
      expect(JSON.stringify(wrong)).not.toContain(secret);
      expect(JSON.stringify(good)).not.toContain(Object.values(api.credentials)[0]);

      if (name !== 'cloudonix') {
        // Cloudonix keys are per domain, and the stand-in accepts its key for any domain.
        const other = await telephony.checkCredentials(options(api.url, api.credentials, 'other-account'));
        expect(other).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } });
      }
    });

    it(`${name}: a dead host or one past the deadline is unreachable; another answer is unexpected_response`, async () => {
      const dead = await telephony.checkCredentials(options(`http://127.0.0.1:${await deadPort()}`, routes.testCredentials));
      expect(dead).toMatchObject({ ok: false, error: { code: 'unreachable', message: `${name} unreachable: connection refused` } });
      expect(dead.status).toBeUndefined();

      api = await startFakeProviderApi(name);
      const elsewhere = await telephony.checkCredentials(options(`${api.url}/not-the-api`, api.credentials));
      expect(elsewhere).toMatchObject({ ok: false, status: 404, error: { code: 'unexpected_response' } });

      api.setDelay(2000);
      const slow = await telephony.checkCredentials({ ...options(api.url, api.credentials), timeoutMs: 100 });
      expect(slow).toMatchObject({ ok: false, error: { code: 'unreachable', message: `${name} did not answer within 100 ms` } });
    });

    it(`${name}: an empty secret or a refused address sends nothing`, async () => {
      api = await startFakeProviderApi(name);
      const empty = await telephony.checkCredentials(options(api.url, Object.fromEntries(Object.keys(api.credentials).map((k) => [k, '']))));
      expect(empty).toMatchObject({ ok: false, latencyMs: 0, error: { code: 'invalid_configuration' } });
      const refused = await telephony.checkCredentials({ ...options(api.url, api.credentials), addressPolicy: 'public' });
      expect(refused).toMatchObject({ ok: false, error: { code: 'address_not_allowed', message: `${name} not contacted: the API URL is not https` } });
      expect(api.requests).toHaveLength(0);
    });
  }
});

describe('runCredentialProbe', () => {
  it('classifies 403 as invalid_credentials and 5xx as unexpected_response', async () => {
    api = await startFakeProviderApi('twilio');
    const probe = () => ({ path: `/2010-04-01/Accounts/${api!.accountId}.json`, headers: {} });
    api.setResponse('GET', 403);
    expect(await runCredentialProbe('twilio', { baseUrl: api.url }, probe)).toMatchObject({ ok: false, status: 403, error: { code: 'invalid_credentials' } });
    api.setResponse('GET', 503);
    expect(await runCredentialProbe('twilio', { baseUrl: api.url }, probe)).toMatchObject({ ok: false, status: 503, error: { code: 'unexpected_response', message: 'twilio answered HTTP 503' } });
  });
});
