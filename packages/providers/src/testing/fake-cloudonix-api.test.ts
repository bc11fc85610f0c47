import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeCloudonixApi } from './fake-cloudonix-api.ts';
import type { FakeCloudonixApi } from './fake-cloudonix-api.ts';

let api: FakeCloudonixApi;
const auth = { authorization: 'Bearer test-cloudonix-token' };

beforeEach(async () => {
  api = await startFakeCloudonixApi();
});
afterEach(async () => {
  await api.close();
});

const call = (method: string, path: string, init: RequestInit = {}): Promise<Response> =>
  fetch(api.url + path, { method, headers: auth, ...init });

describe('startFakeCloudonixApi', () => {
  it('listens on 127.0.0.1 with a default token', () => {
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(api.bearerToken).toBe('test-cloudonix-token');
  });

  it('serves the session lifecycle: GET 200, DELETE 204, then 404s', async () => {
    api.addSession('acme', 's1');
    const get = await call('GET', '/customers/self/domains/acme.cloudonix.net/sessions/s1');
    expect(get.status).toBe(200);
    expect(await get.json()).toMatchObject({ token: 's1', domain: 'acme.cloudonix.net' });
    expect((await call('DELETE', '/customers/self/domains/acme/sessions/s1')).status).toBe(204);
    expect((await call('GET', '/customers/self/domains/acme/sessions/s1')).status).toBe(404);
    expect((await call('DELETE', '/customers/self/domains/acme/sessions/s1')).status).toBe(404);
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /customers/self/domains/acme.cloudonix.net/sessions/s1',
      'DELETE /customers/self/domains/acme/sessions/s1',
      'GET /customers/self/domains/acme/sessions/s1',
      'DELETE /customers/self/domains/acme/sessions/s1',
    ]);
  });

  it('answers 401 to a wrong or missing token', async () => {
    api.addSession('acme', 's1');
    expect((await call('GET', '/customers/self/domains/acme/sessions/s1', { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    expect((await fetch(`${api.url}/customers/self/domains/acme/sessions/s1`)).status).toBe(401);
    expect(api.hasSession('acme', 's1')).toBe(true);
  });

  it('serves POST application with a cxml body and records it', async () => {
    api.addSession('acme', 's1');
    const body = JSON.stringify({ cxml: '<Response><Hangup/></Response>' });
    expect((await call('POST', '/calls/acme.cloudonix.net/sessions/s1/application', { body })).status).toBe(200);
    expect(api.requests[0]?.body).toBe(body);
    expect((await call('POST', '/calls/acme/sessions/s1/application', { body: '{}' })).status).toBe(400);
    expect((await call('POST', '/calls/acme/sessions/s1/application', { body: 'not json' })).status).toBe(400);
    expect((await call('POST', '/calls/acme/sessions/s2/application', { body })).status).toBe(404);
  });

  it('answers 405 for a wrong method and 404 for unknown paths', async () => {
    expect((await call('PUT', '/customers/self/domains/acme/sessions/s1')).status).toBe(405);
    expect((await call('GET', '/calls/acme/sessions/s1/application')).status).toBe(405);
    expect((await call('GET', '/nothing')).status).toBe(404);
  });

  it('forces statuses per method until reset', async () => {
    api.setResponse('GET', 503);
    expect((await call('GET', '/customers/self/domains/acme/sessions/unknown')).status).toBe(503);
    expect((await call('DELETE', '/customers/self/domains/acme/sessions/unknown')).status).toBe(404);
    api.setResponse('GET', null);
    expect((await call('GET', '/customers/self/domains/acme/sessions/unknown')).status).toBe(404);
  });

  it('delays answers and still closes promptly with requests in flight', async () => {
    api.addSession('acme', 's1');
    api.setDelay(150);
    const started = performance.now();
    expect((await call('GET', '/customers/self/domains/acme/sessions/s1')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);

    api.setDelay(60_000);
    const inFlight = call('GET', '/customers/self/domains/acme/sessions/s1').catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 50));
    const closing = performance.now();
    await api.close();
    await api.close(); // idempotent
    expect(performance.now() - closing).toBeLessThan(1000);
    expect(await inFlight).toBeInstanceOf(Error);
  });
});
