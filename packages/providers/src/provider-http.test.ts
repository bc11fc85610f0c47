/**
 * The provider clients' HTTP path end to end against real fake APIs: bounded answer bodies, the
 * address policy enforced on the address a socket connects to, and keep-alive connection reuse.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallRef } from './api-client.ts';
import { createCloudonixApiClient } from './cloudonix/api-client.ts';
import { ProviderApiError } from './errors.ts';
import { MAX_PROVIDER_BODY_BYTES } from './http-request.ts';
import type { ResolveHost } from './remote-address.ts';
import { startFakeCloudonixApi, type FakeCloudonixApi } from './testing/fake-cloudonix-api.ts';
import { startFakeProviderApi, type FakeProviderApi } from './testing/fake-provider-api.ts';
import { createTwilioApiClient } from './twilio/api-client.ts';

const TOKEN = 'cx-secret-token-77aa';
const REF: CallRef = { accountId: 'acme', callId: 'session-1' };

let api: FakeCloudonixApi | undefined;
let rest: FakeProviderApi | undefined;
let raw: Server | undefined;
afterEach(async () => {
  await api?.close();
  await rest?.close();
  if (raw !== undefined) {
    raw.closeAllConnections();
    await new Promise<void>((resolve) => raw?.close(() => resolve()));
  }
  api = rest = raw = undefined;
});

async function rejection(p: Promise<unknown>): Promise<ProviderApiError> {
  const err = await p.then(() => expect.unreachable('expected a rejection'), (e: unknown) => e);
  expect(err).toBeInstanceOf(ProviderApiError);
  const e = err as ProviderApiError;
  expect(`${e.message} ${JSON.stringify(e)}`).not.toContain(TOKEN);
  return e;
}

/** RSS after a collection when the runtime exposes one (`--expose-gc`), else as is. */
function rss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

/** A resolver that answers `addresses` for every name and counts its calls. */
function stubResolver(...addresses: string[]): ResolveHost & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    calls.push(hostname);
    return addresses.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) }));
  };
  return Object.assign(resolve, { calls });
}

describe('answer bodies', () => {
  it('an endless validation answer fails provider_rejected at the cap, quickly, with bounded memory', async () => {
    api = await startFakeCloudonixApi({ bearerToken: TOKEN });
    api.addSession('acme', 'session-1');
    api.setEndlessBody('GET', true);
    const client = createCloudonixApiClient({ baseUrl: api.url, bearerToken: TOKEN, timeoutMs: 3000 });
    const once = async (): Promise<void> => {
      const started = performance.now();
      const e = await rejection(client.validateCall(REF));
      expect(e).toMatchObject({ code: 'provider_rejected', status: 200, retryable: false, operation: 'validate' });
      expect(e.message).toContain(`${MAX_PROVIDER_BODY_BYTES} bytes`);
      expect(performance.now() - started).toBeLessThan(1000);
    };
    await once(); // warm-up: sockets, TLS-free code paths, JIT
    const before = rss();
    for (let i = 0; i < 10; i++) await once();
    const grown = rss() - before;
    expect(grown).toBeLessThan(64 * 1024 * 1024);
    expect(api.requests).toHaveLength(11);
  });

  it('a REST client (Twilio) stops an endless answer the same way', async () => {
    rest = await startFakeProviderApi('twilio');
    rest.addCall('call-1');
    rest.setEndlessBody('GET', true);
    const client = createTwilioApiClient({ baseUrl: rest.url, accountSid: rest.accountId, authToken: rest.credentials.auth_token!, timeoutMs: 3000 });
    const before = rss();
    for (let i = 0; i < 5; i++) {
      expect(await rejection(client.validateCall({ accountId: rest.accountId, callId: 'call-1' }))).toMatchObject({ code: 'provider_rejected', status: 200 });
    }
    expect(rss() - before).toBeLessThan(64 * 1024 * 1024);
    rest.setEndlessBody('GET', false);
    await expect(client.validateCall({ accountId: rest.accountId, callId: 'call-1' })).resolves.toBeUndefined();
  });
});

describe("addressPolicy 'public'", () => {
  const hostUrl = (scheme: string, port: string) => `${scheme}://provider.example.com:${port}`;
  const portOf = (url: string) => new URL(url).port;

  it('refuses to connect when the host resolves to a private address at connect time: no connection is made', async () => {
    api = await startFakeCloudonixApi({ bearerToken: TOKEN });
    api.addSession('acme', 'session-1');
    const resolveHost = stubResolver('127.0.0.1');
    const client = createCloudonixApiClient({ baseUrl: hostUrl('https', portOf(api.url)), bearerToken: TOKEN, addressPolicy: 'public', resolveHost });
    const e = await rejection(client.validateCall(REF));
    expect(e).toMatchObject({ code: 'provider_address_not_allowed', retryable: false, operation: 'validate' });
    expect(e.message).toContain('loopback');
    expect(e.status).toBeUndefined();
    expect(resolveHost.calls).toEqual(['provider.example.com']);
    expect(api.connections).toBe(0);
    expect(api.requests).toHaveLength(0);
  });

  it('control: with policy "any" the same resolver leads the request to the fake', async () => {
    api = await startFakeCloudonixApi({ bearerToken: TOKEN });
    api.addSession('acme', 'session-1');
    const resolveHost = stubResolver('127.0.0.1');
    const client = createCloudonixApiClient({ baseUrl: hostUrl('http', portOf(api.url)), bearerToken: TOKEN, addressPolicy: 'any', resolveHost });
    await expect(client.validateCall(REF)).resolves.toBeUndefined();
    expect(resolveHost.calls).toEqual(['provider.example.com']);
    expect(api.requests).toHaveLength(1);
  });

  it('refuses a host with any disallowed address among public ones', async () => {
    api = await startFakeCloudonixApi({ bearerToken: TOKEN });
    const client = createCloudonixApiClient({
      baseUrl: hostUrl('https', portOf(api.url)),
      bearerToken: TOKEN,
      addressPolicy: 'public',
      resolveHost: stubResolver('8.8.8.8', 'fd00::1'),
    });
    expect((await rejection(client.hangup(REF))).code).toBe('provider_address_not_allowed');
    expect(api.connections).toBe(0);
  });

  it('refuses IP literals, metadata names and http without resolving or connecting', async () => {
    api = await startFakeCloudonixApi({ bearerToken: TOKEN });
    const port = portOf(api.url);
    const resolveHost = stubResolver('8.8.8.8');
    for (const baseUrl of [`https://127.0.0.1:${port}`, `https://[::1]:${port}`, `https://[::ffff:127.0.0.1]:${port}`, `https://169.254.169.254:${port}`, `https://metadata.google.internal:${port}`, `https://localhost:${port}`, api.url]) {
      const client = createCloudonixApiClient({ baseUrl, bearerToken: TOKEN, addressPolicy: 'public', resolveHost });
      expect((await rejection(client.validateCall(REF))).code).toBe('provider_address_not_allowed');
    }
    expect(resolveHost.calls).toEqual([]);
    expect(api.connections).toBe(0);
  });

  it('cannot be combined with a custom fetch', () => {
    expect(() => createCloudonixApiClient({ baseUrl: 'https://api.cloudonix.io', bearerToken: TOKEN, addressPolicy: 'public', fetch: globalThis.fetch })).toThrow(
      expect.objectContaining({ code: 'invalid_option' }),
    );
    expect(() => createTwilioApiClient({ baseUrl: 'https://api.twilio.com', accountSid: 'AC1', authToken: 't', addressPolicy: 'nope' as 'any' })).toThrow(
      expect.objectContaining({ code: 'invalid_option' }),
    );
  });

  it('maps a host that does not resolve to retryable provider_network', async () => {
    const client = createCloudonixApiClient({
      baseUrl: 'https://gone.example.com',
      bearerToken: TOKEN,
      addressPolicy: 'public',
      resolveHost: () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' })),
    });
    expect(await rejection(client.validateCall(REF))).toMatchObject({ code: 'provider_network', retryable: true });
  });
});

describe('connection reuse (keep-alive)', () => {
  const liveApi = async (): Promise<FakeCloudonixApi> => {
    const started = await startFakeCloudonixApi({ bearerToken: TOKEN });
    started.addSession('acme', 'session-1');
    return started;
  };

  it('sequential validations of one client share one connection', async () => {
    api = await liveApi();
    const client = createCloudonixApiClient({ baseUrl: api.url, bearerToken: TOKEN });
    for (let i = 0; i < 20; i++) await client.validateCall(REF);
    expect(api.requests).toHaveLength(20);
    expect(api.connections).toBe(1);
  });

  it('clients built per call (as the control-plane does) share the pool of their policy and resolver', async () => {
    rest = await startFakeProviderApi('twilio');
    rest.addCall('call-1');
    const resolveHost = stubResolver('127.0.0.1');
    const baseUrl = `http://provider.example.com:${new URL(rest.url).port}`;
    for (let i = 0; i < 10; i++) {
      const client = createTwilioApiClient({ baseUrl, accountSid: rest.accountId, authToken: rest.credentials.auth_token!, addressPolicy: 'any', resolveHost });
      await client.validateCall({ accountId: rest.accountId, callId: 'call-1' });
    }
    expect(rest.requests).toHaveLength(10);
    expect(rest.connections).toBe(1);
    expect(resolveHost.calls).toEqual(['provider.example.com']); // one lookup: one new socket
  });

  it('concurrent validations open at most one connection each, reused afterwards', async () => {
    api = await liveApi();
    const client = createCloudonixApiClient({ baseUrl: api.url, bearerToken: TOKEN });
    await Promise.all(Array.from({ length: 8 }, () => client.validateCall(REF)));
    const opened = api.connections;
    expect(opened).toBeLessThanOrEqual(8);
    await Promise.all(Array.from({ length: 8 }, () => client.validateCall(REF)));
    expect(api.connections).toBe(opened);
  });

  it('a body over the cap destroys its connection: the next call succeeds on a fresh one, which is kept', async () => {
    api = await liveApi();
    const client = createCloudonixApiClient({ baseUrl: api.url, bearerToken: TOKEN, timeoutMs: 3000 });
    await client.validateCall(REF);
    expect(api.connections).toBe(1);
    api.setEndlessBody('GET', true);
    expect((await rejection(client.validateCall(REF))).code).toBe('provider_rejected'); // on the pooled connection
    api.setEndlessBody('GET', false);
    await client.validateCall(REF);
    expect(api.connections).toBe(2);
    await client.validateCall(REF);
    expect(api.connections).toBe(2);
    expect(api.requests).toHaveLength(4);
  });

  it('a timeout destroys its connection: the late answer never reaches the next call', async () => {
    api = await liveApi();
    const client = createCloudonixApiClient({ baseUrl: api.url, bearerToken: TOKEN, timeoutMs: 200 });
    await client.validateCall(REF);
    api.setDelay(400);
    expect((await rejection(client.validateCall(REF))).code).toBe('provider_timeout');
    api.setDelay(0);
    api.endSession('acme', 'session-1');
    // Were the timed-out connection reused, its late 200 would answer this validation.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await rejection(client.validateCall(REF))).status).toBe(404);
    expect(api.connections).toBe(2);
  });

  it('a short rejected answer is drained and its connection reused', async () => {
    api = await liveApi();
    const client = createCloudonixApiClient({ baseUrl: api.url, bearerToken: TOKEN });
    await client.validateCall(REF);
    api.setResponse('GET', 503);
    expect((await rejection(client.validateCall(REF))).code).toBe('provider_unavailable');
    api.setResponse('GET', null);
    await new Promise((resolve) => setImmediate(resolve)); // the drained connection is freed on process.nextTick
    await client.validateCall(REF);
    expect(api.connections).toBe(1);
  });

  /** A server that answers `{}` once per connection and resets a connection's second request. */
  async function resettingServer(): Promise<{ url: string; connections: () => number; methods: string[] }> {
    let connections = 0;
    const methods: string[] = [];
    const served = new WeakSet<object>();
    raw = createServer((req, res) => {
      methods.push(req.method ?? '');
      if (served.has(req.socket)) return void req.socket.resetAndDestroy();
      served.add(req.socket);
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    raw.on('connection', () => void connections++);
    await new Promise<void>((resolve) => raw?.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(raw.address() as AddressInfo).port}`, connections: () => connections, methods };
  }

  it('an idempotent request on a reused connection the server reset is sent once more on a new one', async () => {
    const server = await resettingServer();
    const client = createCloudonixApiClient({ baseUrl: server.url, bearerToken: TOKEN });
    await client.validateCall(REF);
    await client.validateCall(REF); // reset on the pooled connection, then answered on a new one
    expect(server.methods).toEqual(['GET', 'GET', 'GET']);
    expect(server.connections()).toBe(2);
  });

  it('a POST on a reset connection is not sent again', async () => {
    const server = await resettingServer();
    const client = createCloudonixApiClient({ baseUrl: server.url, bearerToken: TOKEN });
    await client.validateCall(REF);
    expect(await rejection(client.transfer(REF, '<Response/>'))).toMatchObject({ code: 'provider_network', retryable: true, operation: 'transfer' });
    expect(server.methods).toEqual(['GET', 'POST']);
  });
});
