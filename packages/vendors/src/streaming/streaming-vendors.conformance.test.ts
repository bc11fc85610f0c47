/**
 * One suite, every streaming vendor client (Deepgram, ElevenLabs, Cartesia) against its stand-in:
 * the connection behaviour they share through the vendor socket — credentials, refusals, deadlines,
 * abort, the address policy on the address actually connected to, drops and message caps.
 */
import type { ResolveHost } from '@vr3/providers';
import { afterEach, describe, expect, it } from 'vitest';
import { connectCartesiaTts } from '../cartesia/tts-client.ts';
import { connectDeepgramLive } from '../deepgram/live-client.ts';
import { connectElevenLabsTts } from '../elevenlabs/tts-client.ts';
import { startCartesiaStandIn, startDeepgramStandIn, startElevenLabsStandIn } from '../testing/index.ts';
import type { StandInServer } from '../testing/index.ts';
import type { VendorConnectionOptions } from './connection.ts';
import type { StreamingVendor, VendorStreamClosed } from '../errors.ts';

interface StandInConnection {
  send(message: Record<string, unknown>): void;
  terminate(): void;
}

interface Stream {
  readonly closed: Promise<VendorStreamClosed>;
  close(): Promise<VendorStreamClosed>;
}

interface VendorCase {
  vendor: StreamingVendor;
  credentialHeader: string;
  /** `vendorCode` the stand-in's 401 carries. */
  authCode: string;
  start(apiKey?: string): Promise<StandInServer<StandInConnection>>;
  connect(options: VendorConnectionOptions & { apiKey: string }): Promise<Stream>;
}

const ignore = { onEvent: (): void => {} };

const VENDORS: readonly VendorCase[] = [
  {
    vendor: 'deepgram',
    credentialHeader: 'authorization',
    authCode: 'INVALID_AUTH',
    start: (apiKey) => startDeepgramStandIn(apiKey === undefined ? {} : { apiKey }),
    connect: (o) => connectDeepgramLive({ ...o, encoding: 'linear16', sampleRate: 16000 }, ignore),
  },
  {
    vendor: 'elevenlabs',
    credentialHeader: 'xi-api-key',
    authCode: 'invalid_api_key',
    start: (apiKey) => startElevenLabsStandIn(apiKey === undefined ? {} : { apiKey }),
    connect: (o) => connectElevenLabsTts({ ...o, voiceId: 'v1' }, ignore),
  },
  {
    vendor: 'cartesia',
    credentialHeader: 'x-api-key',
    authCode: 'unauthorized',
    start: (apiKey) => startCartesiaStandIn(apiKey === undefined ? {} : { apiKey }),
    connect: (o) => connectCartesiaTts({ ...o, voiceId: 'v1' }, ignore),
  },
];

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.each(VENDORS)('$vendor streaming client: connection', (v) => {
  async function standIn(apiKey?: string): Promise<StandInServer<StandInConnection>> {
    const s = await v.start(apiKey);
    cleanups.push(() => s.close());
    return s;
  }
  async function open(options: VendorConnectionOptions & { apiKey: string }): Promise<Stream> {
    const stream = await v.connect(options);
    cleanups.push(() => stream.close());
    return stream;
  }

  it('sends the key in the vendor header; the stand-in records the upgrade without it', async () => {
    const s = await standIn('the-key');
    const stream = await open({ apiKey: 'the-key', baseUrl: s.url, addressPolicy: 'any' });
    expect(s.upgrades).toHaveLength(1);
    expect(s.upgrades[0]!.credential).toBe('valid');
    expect(s.upgrades[0]!.headers[v.credentialHeader]).toBeUndefined();
    expect((await stream.close()).error).toBeUndefined();
  });

  it('a wrong key is auth_failed with the HTTP status and the vendor code, not retryable', async () => {
    const s = await standIn('the-key');
    const err = await v.connect({ apiKey: 'wrong', baseUrl: s.url, addressPolicy: 'any' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'VendorError', vendor: v.vendor, code: 'auth_failed', httpStatus: 401, vendorCode: v.authCode, retryable: false });
    expect(s.upgrades[0]!.credential).toBe('invalid');
  });

  it('a 503 upgrade answer is upgrade_refused and retryable', async () => {
    const s = await standIn();
    s.setUpgradeMode({ mode: 'refuse', status: 503 });
    await expect(v.connect({ apiKey: 'k', baseUrl: s.url, addressPolicy: 'any' })).rejects.toMatchObject({ code: 'upgrade_refused', httpStatus: 503, retryable: true });
  });

  it('an upgrade never answered fails connect_timeout at the deadline', async () => {
    const s = await standIn();
    s.setUpgradeMode({ mode: 'stall' });
    const started = Date.now();
    await expect(v.connect({ apiKey: 'k', baseUrl: s.url, addressPolicy: 'any', connectTimeoutMs: 200 })).rejects.toMatchObject({ code: 'connect_timeout', retryable: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(s.upgrades).toHaveLength(1);
  });

  it('an abort while connecting rejects aborted', async () => {
    const s = await standIn();
    s.setUpgradeMode({ mode: 'stall' });
    const controller = new AbortController();
    const pending = v.connect({ apiKey: 'k', baseUrl: s.url, addressPolicy: 'any', signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ code: 'aborted' });
  });

  it('by default refuses ws://127.0.0.1 (the insecure option is needed), and never reaches it', async () => {
    const s = await standIn();
    await expect(v.connect({ apiKey: 'k', baseUrl: s.url })).rejects.toMatchObject({ code: 'address_not_allowed', rule: 'insecure_scheme', retryable: false });
    await expect(v.connect({ apiKey: 'k', baseUrl: `wss://127.0.0.1:${s.port}` })).rejects.toMatchObject({ code: 'address_not_allowed', rule: 'loopback' });
    await expect(v.connect({ apiKey: 'k', baseUrl: `https://[::1]:${s.port}` })).rejects.toMatchObject({ code: 'address_not_allowed', rule: 'loopback' });
    expect(s.upgrades).toHaveLength(0);
  });

  it('checks the address a host name resolves to when connecting (a private answer is refused)', async () => {
    const asked: string[] = [];
    const resolveHost: ResolveHost = async (name) => {
      asked.push(name);
      return [{ address: '10.0.0.7', family: 4 }];
    };
    await expect(v.connect({ apiKey: 'k', baseUrl: 'https://vendor-proxy.example', resolveHost })).rejects.toMatchObject({ code: 'address_not_allowed', rule: 'private' });
    expect(asked).toEqual(['vendor-proxy.example']);
  });

  it('with the insecure option connects through the same lookup (a name resolving to the stand-in)', async () => {
    const s = await standIn();
    const asked: string[] = [];
    const resolveHost: ResolveHost = async (name) => {
      asked.push(name);
      return [{ address: '127.0.0.1', family: 4 }];
    };
    await open({ apiKey: 'k', baseUrl: `ws://stand-in.test:${s.port}`, addressPolicy: 'any', resolveHost });
    expect(asked).toEqual(['stand-in.test']);
    expect(s.upgrades[0]!.headers.host).toBe(`stand-in.test:${s.port}`);
  });

  it('keeps a path prefix of the base URL', async () => {
    const s = await standIn();
    await expect(v.connect({ apiKey: 'k', baseUrl: `${s.url}/proxy/`, addressPolicy: 'any' })).rejects.toMatchObject({ code: 'upgrade_refused', httpStatus: 404 });
    expect(s.upgrades[0]!.path.startsWith('/proxy/')).toBe(true);
  });

  it('refuses base URLs with credentials, a query or another scheme before connecting', async () => {
    for (const baseUrl of ['ftp://vendor.example', 'https://user:pw@vendor.example', 'https://vendor.example/?x=1', 'not a url']) {
      await expect(v.connect({ apiKey: 'k', baseUrl })).rejects.toMatchObject({ code: 'invalid_option' });
    }
    await expect(v.connect({ apiKey: ' ', baseUrl: 'https://vendor.example' })).rejects.toMatchObject({ code: 'invalid_option' });
    await expect(v.connect({ apiKey: 'k', baseUrl: 'https://vendor.example', connectTimeoutMs: -1 })).rejects.toMatchObject({ code: 'invalid_option' });
  });

  it('a dropped connection ends the stream vendor_closed (1006), retryable', async () => {
    const s = await standIn();
    const stream = await open({ apiKey: 'k', baseUrl: s.url, addressPolicy: 'any' });
    (await s.nextConnection()).terminate();
    const closed = await stream.closed;
    expect(closed.code).toBe(1006);
    expect(closed.error).toMatchObject({ code: 'vendor_closed', closeCode: 1006, retryable: true });
  });

  it('a message over maxMessageBytes ends the stream message_too_large', async () => {
    const s = await standIn();
    const stream = await open({ apiKey: 'k', baseUrl: s.url, addressPolicy: 'any', maxMessageBytes: 2048 });
    (await s.nextConnection()).send({ type: 'Padding', padding: 'x'.repeat(4096) });
    const closed = await stream.closed;
    expect(closed.error).toMatchObject({ code: 'message_too_large', closeCode: 1009 });
  });
});
