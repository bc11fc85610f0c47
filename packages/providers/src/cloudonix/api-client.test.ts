import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallRef, ProviderApiClient } from '../api-client.ts';
import { ProviderApiError, ProviderConfigError } from '../errors.ts';
import { startFakeCloudonixApi } from '../testing/fake-cloudonix-api.ts';
import type { FakeCloudonixApi } from '../testing/fake-cloudonix-api.ts';
import { createCloudonixApiClient } from './api-client.ts';

const TOKEN = 'cx-secret-token-4f9d2a';
const REF: CallRef = { accountId: 'acme.cloudonix.net', callId: 'session-123' };
const SESSION_PATH = '/customers/self/domains/acme.cloudonix.net/sessions/session-123';

let api: FakeCloudonixApi;
let client: ProviderApiClient;

beforeEach(async () => {
  api = await startFakeCloudonixApi({ bearerToken: TOKEN });
  api.addSession('acme', 'session-123');
  client = createCloudonixApiClient({ baseUrl: api.url, bearerToken: TOKEN, timeoutMs: 1000 });
});

afterEach(async () => {
  await api.close();
});

/** Runs `fn`, expects a ProviderApiError, and checks the token appears nowhere in it. */
async function apiError(fn: () => Promise<unknown>): Promise<ProviderApiError> {
  const err = await fn().then(
    () => expect.unreachable('expected a rejection'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderApiError);
  const e = err as ProviderApiError;
  expect(e.provider).toBe('cloudonix');
  for (const text of [e.message, String(e), e.stack ?? '', JSON.stringify(e), String((e.cause as Error | undefined)?.message ?? '')]) {
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('session-123');
  }
  return e;
}

describe('createCloudonixApiClient against the fake Cloudonix API', () => {
  describe('validateCall', () => {
    it('resolves for a live session and sends GET with the bearer token', async () => {
      await expect(client.validateCall(REF)).resolves.toBeUndefined();
      expect(api.requests).toHaveLength(1);
      expect(api.requests[0]).toMatchObject({ method: 'GET', path: SESSION_PATH, body: '' });
      expect(api.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    });

    it('normalizes a bare domain name', async () => {
      await client.validateCall({ accountId: ' ACME ', callId: 'session-123' });
      expect(api.requests[0]?.path).toBe(SESSION_PATH);
    });

    it('URL-encodes path segments', async () => {
      api.addSession('acme', 'a/b c?d#e%');
      await client.validateCall({ accountId: 'acme', callId: 'a/b c?d#e%' });
      expect(api.requests[0]?.path).toBe('/customers/self/domains/acme.cloudonix.net/sessions/a%2Fb%20c%3Fd%23e%25');
    });

    it('rejects an unknown session with provider_rejected 404', async () => {
      const e = await apiError(() => client.validateCall({ ...REF, callId: 'other' }));
      expect(e).toMatchObject({ code: 'provider_rejected', status: 404, retryable: false, operation: 'validate' });
    });

    it('rejects an ended session', async () => {
      api.endSession('acme.cloudonix.net', 'session-123');
      expect(await apiError(() => client.validateCall(REF))).toMatchObject({ code: 'provider_rejected', status: 404 });
    });

    it('rejects a wrong token with provider_rejected 401, without leaking either token', async () => {
      const wrong = createCloudonixApiClient({ baseUrl: api.url, bearerToken: 'wrong-token-77' });
      const e = await apiError(() => wrong.validateCall(REF));
      expect(e).toMatchObject({ code: 'provider_rejected', status: 401, retryable: false });
      expect(e.message).not.toContain('wrong-token-77');
    });

    it.each([200, 204, 202])('passes only on 200 (forced %i)', async (status) => {
      api.setResponse('GET', status);
      if (status === 200) await expect(client.validateCall(REF)).resolves.toBeUndefined();
      else expect(await apiError(() => client.validateCall(REF))).toMatchObject({ code: 'provider_rejected', status });
    });

    it.each([500, 502, 503, 429, 408])('maps %i to retryable provider_unavailable', async (status) => {
      api.setResponse('GET', status);
      expect(await apiError(() => client.validateCall(REF))).toMatchObject({ code: 'provider_unavailable', status, retryable: true });
    });

    it.each([400, 403, 410])('maps %i to provider_rejected', async (status) => {
      api.setResponse('GET', status);
      expect(await apiError(() => client.validateCall(REF))).toMatchObject({ code: 'provider_rejected', status, retryable: false });
    });
  });

  describe('hangup', () => {
    it('deletes a live session', async () => {
      await expect(client.hangup(REF)).resolves.toBeUndefined();
      expect(api.requests[0]).toMatchObject({ method: 'DELETE', path: SESSION_PATH });
      expect(api.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(api.hasSession('acme', 'session-123')).toBe(false);
    });

    it('treats an already-ended session (404) as success', async () => {
      await client.hangup(REF);
      await expect(client.hangup(REF)).resolves.toBeUndefined();
      expect(api.requests.map((r) => r.method)).toEqual(['DELETE', 'DELETE']);
    });

    it.each([200, 204, 404])('succeeds on %i', async (status) => {
      api.setResponse('DELETE', status);
      await expect(client.hangup(REF)).resolves.toBeUndefined();
    });

    it('maps 503 to provider_unavailable and 403 to provider_rejected', async () => {
      api.setResponse('DELETE', 503);
      expect(await apiError(() => client.hangup(REF))).toMatchObject({ code: 'provider_unavailable', status: 503, operation: 'hangup' });
      api.setResponse('DELETE', 403);
      expect(await apiError(() => client.hangup(REF))).toMatchObject({ code: 'provider_rejected', status: 403 });
      api.setResponse('DELETE', null);
      await expect(client.hangup(REF)).resolves.toBeUndefined();
    });
  });

  describe('transfer', () => {
    const cxml = '<Response><Dial><Conference>room-1</Conference></Dial><Hangup/></Response>';

    it('posts the CXML to the session application', async () => {
      await expect(client.transfer(REF, cxml)).resolves.toBeUndefined();
      const req = api.requests[0];
      expect(req).toMatchObject({ method: 'POST', path: '/calls/acme.cloudonix.net/sessions/session-123/application' });
      expect(req?.headers['content-type']).toBe('application/json');
      expect(req?.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(JSON.parse(req?.body ?? '')).toEqual({ cxml });
    });

    it.each([200, 202])('succeeds on %i', async (status) => {
      api.setResponse('POST', status);
      await expect(client.transfer(REF, cxml)).resolves.toBeUndefined();
    });

    it('rejects for an unknown session and on 204', async () => {
      expect(await apiError(() => client.transfer({ ...REF, callId: 'gone' }, cxml))).toMatchObject({ code: 'provider_rejected', status: 404, operation: 'transfer' });
      api.setResponse('POST', 204);
      expect(await apiError(() => client.transfer(REF, cxml))).toMatchObject({ code: 'provider_rejected', status: 204 });
    });

    it('refuses an empty target without calling the provider', async () => {
      await expect(client.transfer(REF, ' ')).rejects.toMatchObject({ code: 'invalid_option' });
      expect(api.requests).toHaveLength(0);
    });
  });

  describe('deadlines and cancellation', () => {
    it('fails with provider_timeout within the timeout when the provider stalls', async () => {
      api.setDelay(5000);
      const fast = createCloudonixApiClient({ baseUrl: api.url, bearerToken: TOKEN, timeoutMs: 150 });
      const started = performance.now();
      const e = await apiError(() => fast.validateCall(REF));
      const elapsed = performance.now() - started;
      expect(e).toMatchObject({ code: 'provider_timeout', retryable: true });
      expect(e.status).toBeUndefined();
      expect(elapsed).toBeGreaterThanOrEqual(140);
      expect(elapsed).toBeLessThan(1000);
    });

    it('times out even when an injected fetch ignores its signal', async () => {
      const hung = createCloudonixApiClient({ baseUrl: api.url, bearerToken: TOKEN, timeoutMs: 100, fetch: () => new Promise<Response>(() => {}) });
      expect(await apiError(() => hung.hangup(REF))).toMatchObject({ code: 'provider_timeout' });
    });

    it('times out while the response body stalls', async () => {
      const stalled = createCloudonixApiClient({
        baseUrl: api.url,
        bearerToken: TOKEN,
        timeoutMs: 100,
        fetch: () => Promise.resolve(new Response(new ReadableStream({ start() {} }), { status: 200 })),
      });
      expect(await apiError(() => stalled.validateCall(REF))).toMatchObject({ code: 'provider_timeout' });
    });

    it('fails with provider_aborted when the caller aborts', async () => {
      api.setDelay(5000);
      const ctrl = new AbortController();
      setTimeout(() => ctrl.abort(new Error('shutdown')), 50);
      const e = await apiError(() => client.hangup(REF, ctrl.signal));
      expect(e).toMatchObject({ code: 'provider_aborted', retryable: false });
      expect(e.cause).toBeInstanceOf(Error);
    });

    it('does not send a request for an already-aborted signal', async () => {
      const e = await apiError(() => client.validateCall(REF, AbortSignal.abort()));
      expect(e.code).toBe('provider_aborted');
      expect(api.requests).toHaveLength(0);
    });

    it('removes its listener from a long-lived caller signal', async () => {
      const ctrl = new AbortController();
      for (let i = 0; i < 3; i++) await client.validateCall(REF, ctrl.signal);
      // Aborting afterwards has no effect on finished requests and throws nothing.
      ctrl.abort();
      await expect(client.validateCall(REF)).resolves.toBeUndefined();
    });

    it('maps a refused connection to retryable provider_network', async () => {
      const dead = await startFakeCloudonixApi();
      const url = dead.url;
      await dead.close();
      const offline = createCloudonixApiClient({ baseUrl: url, bearerToken: TOKEN });
      const e = await apiError(() => offline.validateCall(REF));
      expect(e).toMatchObject({ code: 'provider_network', retryable: true });
      expect(e.cause).toBeDefined();
    });
  });

  describe('configuration', () => {
    it.each([
      [{ baseUrl: 'not a url', bearerToken: TOKEN }, 'invalid_option'],
      [{ baseUrl: 'ftp://api.cloudonix.io', bearerToken: TOKEN }, 'invalid_option'],
      [{ baseUrl: 'https://api.cloudonix.io?x=1', bearerToken: TOKEN }, 'invalid_option'],
      [{ baseUrl: 'https://api.cloudonix.io', bearerToken: ' ' }, 'missing_credentials'],
      [{ baseUrl: 'https://api.cloudonix.io', bearerToken: TOKEN, timeoutMs: 0 }, 'invalid_option'],
      [{ baseUrl: 'https://api.cloudonix.io', bearerToken: TOKEN, timeoutMs: Number.NaN }, 'invalid_option'],
    ])('rejects %j with %s', (opts, code) => {
      expect(() => createCloudonixApiClient(opts)).toThrow(ProviderConfigError);
      expect(() => createCloudonixApiClient(opts)).toThrow(expect.objectContaining({ code }));
    });

    it('accepts a base URL with a trailing slash', async () => {
      const prefixed = createCloudonixApiClient({ baseUrl: `${api.url}/`, bearerToken: TOKEN });
      await prefixed.validateCall(REF);
      expect(api.requests[0]?.path).toBe(SESSION_PATH);
    });

    it('rejects an unusable call ref without calling the provider', async () => {
      await expect(client.validateCall({ accountId: 'acme', callId: '' })).rejects.toMatchObject({ code: 'invalid_call_ref' });
      await expect(client.hangup({ accountId: 'bad/domain', callId: 's' })).rejects.toMatchObject({ code: 'invalid_domain' });
      expect(api.requests).toHaveLength(0);
    });
  });
});
