/**
 * Every vendor's credentials check against its stand-in (a real server answering the vendor's REST
 * read with the vendor's key check): the right key passes, a wrong one is `invalid_credentials`, a
 * dead host `unreachable`; results never hold the key.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { httpBaseUrlOf } from './credential-check.ts';
import { VENDOR_CREDENTIAL_CHECKS } from './credential-checks.ts';
import { startCartesiaStandIn } from './testing/cartesia/stand-in.ts';
import { startDeepgramStandIn } from './testing/deepgram/stand-in.ts';
import { startElevenLabsStandIn } from './testing/elevenlabs/stand-in.ts';
import { startOpenAiCompatibleStandIn } from './testing/openai-compatible/server.ts';
import { startOpenAiRealtimeStandIn } from './testing/openai-realtime/server.ts';

const KEY = 'right-key-0123456789';
const WRONG = 'wrong-key-9876543210';

/** A running stand-in: its base URL as a credential would name it, and what it recorded of the check. */
interface Target {
  baseUrl: string;
  /** Headers of the reads it received (the key removed). */
  readHeaders(): Record<string, unknown>[];
  close(): Promise<void>;
}

const streaming = (s: { url: string; reads: readonly { headers: Record<string, unknown> }[]; close(): Promise<void> }): Target => ({
  baseUrl: s.url,
  readHeaders: () => s.reads.map((r) => r.headers),
  close: () => s.close(),
});

const TARGETS: Record<string, { vendor: keyof typeof VENDOR_CREDENTIAL_CHECKS; start(): Promise<Target> }> = {
  openai: {
    vendor: 'openai',
    start: async () => {
      const s = await startOpenAiCompatibleStandIn({ apiKey: KEY });
      return { baseUrl: s.url, readHeaders: () => s.requests.map((r) => r.headers), close: () => s.close() };
    },
  },
  'openai (Realtime stand-in)': {
    vendor: 'openai',
    start: async () => {
      const s = await startOpenAiRealtimeStandIn({ apiKey: KEY });
      return { baseUrl: s.url.replace(/\/v1\/realtime$/, ''), readHeaders: () => [], close: () => s.close() };
    },
  },
  deepgram: { vendor: 'deepgram', start: async () => streaming(await startDeepgramStandIn({ apiKey: KEY })) },
  cartesia: { vendor: 'cartesia', start: async () => streaming(await startCartesiaStandIn({ apiKey: KEY })) },
  elevenlabs: { vendor: 'elevenlabs', start: async () => streaming(await startElevenLabsStandIn({ apiKey: KEY })) },
};

let target: Target | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
});

async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('vendor credentials checks', () => {
  for (const [label, { vendor, start }] of Object.entries(TARGETS)) {
    const check = VENDOR_CREDENTIAL_CHECKS[vendor];

    it(`${label}: the right key passes, a wrong one is invalid_credentials`, async () => {
      target = await start();
      const good = await check({ apiKey: KEY, baseUrl: target.baseUrl, addressPolicy: 'any', timeoutMs: 2000 });
      expect(good).toMatchObject({ ok: true, status: 200 });
      const bad = await check({ apiKey: WRONG, baseUrl: target.baseUrl, addressPolicy: 'any', timeoutMs: 2000 });
      expect(bad).toMatchObject({ ok: false, status: 401, error: { code: 'invalid_credentials', message: `${vendor} refused the credentials (HTTP 401)` } });
      expect(JSON.stringify([good, bad])).not.toMatch(/right-key|wrong-key/);
      if (vendor === 'cartesia') expect(target.readHeaders()[0]).toMatchObject({ 'cartesia-version': expect.any(String) });
    });

    it(`${label}: a dead host is unreachable, an empty key sends nothing`, async () => {
      const dead = await check({ apiKey: KEY, baseUrl: `http://127.0.0.1:${await deadPort()}`, addressPolicy: 'any', timeoutMs: 2000 });
      expect(dead).toMatchObject({ ok: false, error: { code: 'unreachable', message: `${vendor} unreachable: connection refused` } });
      target = await start();
      expect(await check({ apiKey: ' ', baseUrl: target.baseUrl, addressPolicy: 'any' })).toMatchObject({ ok: false, error: { code: 'invalid_configuration' } });
      expect(target.readHeaders()).toHaveLength(0);
    });
  }

  it('holds a credential to public https hosts by default', async () => {
    target = await TARGETS.deepgram!.start();
    expect(await VENDOR_CREDENTIAL_CHECKS.deepgram({ apiKey: KEY, baseUrl: target.baseUrl })).toMatchObject({ ok: false, error: { code: 'address_not_allowed' } });
    expect(target.readHeaders()).toHaveLength(0);
  });

  it('reads a WebSocket base URL as its HTTP one', () => {
    expect(httpBaseUrlOf('wss://api.deepgram.com')).toBe('https://api.deepgram.com');
    expect(httpBaseUrlOf('ws://127.0.0.1:1234/x')).toBe('http://127.0.0.1:1234/x');
    expect(httpBaseUrlOf('https://api.openai.com')).toBe('https://api.openai.com');
  });
});
