import { EngineCatalog, splitSecrets } from '@vr3/agent';
import { describe, expect, it } from 'vitest';
import { createBridgeEngine } from './engine.ts';
import { BRIDGE_DEFAULTS, resolveBridgeOptions } from './options.ts';
import { bridgeEngineSpec } from './spec.ts';

const catalog = new EngineCatalog([bridgeEngineSpec]);
const base = { type: 'bridge', url: 'wss://bot.example.com/media', protocol: 'twilio' } as const;

describe('bridge configuration', () => {
  it('accepts each protocol’s formats and refuses the others', () => {
    expect(catalog.parse(base)).toEqual(base);
    expect(catalog.parse({ ...base, protocol: 'exotel', sample_rate: 24000 })).toMatchObject({ sample_rate: 24000 });
    expect(catalog.parse({ ...base, protocol: 'vobiz', encoding: 'l16', sample_rate: 24000 })).toMatchObject({ encoding: 'l16' });
    expect(catalog.parse({ ...base, protocol: 'vr3', sample_rate: 48000 })).toMatchObject({ sample_rate: 48000 });
    expect(() => catalog.parse({ ...base, sample_rate: 16000 })).toThrow(/sample_rate/);
    expect(() => catalog.parse({ ...base, protocol: 'plivo', encoding: 'l16', sample_rate: 24000 })).toThrow(/sample_rate/);
    expect(() => catalog.parse({ ...base, protocol: 'plivo', sample_rate: 16000 })).toThrow(/sample_rate/);
    expect(() => catalog.parse({ ...base, encoding: 'l16' })).toThrow(/encoding/);
    expect(() => catalog.parse({ ...base, protocol: 'sip' })).toThrow(/protocol/);
  });

  it('takes ws(s) URLs without user information, and headers the handshake does not own', () => {
    expect(() => catalog.parse({ ...base, url: 'https://bot.example.com' })).toThrow(/url/);
    expect(() => catalog.parse({ ...base, url: 'wss://user:pw@bot.example.com' })).toThrow(/url/);
    expect(() => catalog.parse({ ...base, url: 'wss://bot.example.com/a#b' })).toThrow(/url/);
    expect(catalog.parse({ ...base, url: 'wss://bot.example.com:8443/a/b?token=x' })).toMatchObject({ url: 'wss://bot.example.com:8443/a/b?token=x' });
    expect(() => catalog.parse({ ...base, headers: { Host: 'x' } })).toThrow(/headers/);
    expect(() => catalog.parse({ ...base, headers: { 'Sec-WebSocket-Key': 'x' } })).toThrow(/headers/);
    expect(() => catalog.parse({ ...base, headers: { Authorization: 'a\r\nb' } })).toThrow(/headers/);
    expect(() => catalog.parse({ ...base, connect_timeout_ms: 60_000 })).toThrow(/connect_timeout_ms/);
  });

  it('keeps every header value secret', () => {
    const config = catalog.parse({ ...base, headers: { Authorization: 'Bearer x', 'X-Team': 'blue' } });
    const { config: clear, secrets } = splitSecrets(bridgeEngineSpec, config);
    expect(clear).toEqual(base);
    expect(secrets.map((s) => s.path.join('.')).sort()).toEqual(['headers.Authorization', 'headers.X-Team']);
  });
});

describe('engine options', () => {
  it('fills defaults and refuses nonsense', () => {
    expect(resolveBridgeOptions({ maxFramesPerSecond: 10 })).toEqual({ ...BRIDGE_DEFAULTS, maxFramesPerSecond: 10 });
    expect(() => createBridgeEngine({ maxPayloadBytes: 0 })).toThrow(/maxPayloadBytes/);
    expect(() => createBridgeEngine({ frameBurst: Number.NaN })).toThrow(/frameBurst/);
    expect(createBridgeEngine().spec).toBe(bridgeEngineSpec);
  });
});
