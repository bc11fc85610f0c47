import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSelfSignedCertificate } from '@vr3/env/testing';
import { ConfigError, EMBEDDED_DEFAULTS, loadConfig, publicBaseUrlOf } from './config.ts';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: EMBEDDED_DEFAULTS.port,
      host: EMBEDDED_DEFAULTS.host,
      dataDir: path.resolve(EMBEDDED_DEFAULTS.dataDir),
      handshakeTimeoutMs: 10_000,
      allowInsecureProviderUrls: false,
      databaseUrl: undefined,
    });
  });

  it('reads overrides', () => {
    const c = loadConfig({ PORT: '0', VR3_ALLOW_INSECURE_PROVIDER_URLS: 'true', VR3_HANDSHAKE_TIMEOUT_MS: '1500', DATABASE_URL: 'postgresql://u@h:5432/db' });
    expect(c).toMatchObject({ port: 0, allowInsecureProviderUrls: true, handshakeTimeoutMs: 1500, databaseUrl: 'postgresql://u@h:5432/db' });
  });

  it('refuses bad input naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ VR3_HANDSHAKE_TIMEOUT_MS: '5' })).toThrow(/VR3_HANDSHAKE_TIMEOUT_MS/);
    expect(() => loadConfig({ VR3_BOOTSTRAP_API_KEY: 'short' })).toThrow(/VR3_BOOTSTRAP_API_KEY/);
    expect(() => loadConfig({ VR3_ALLOW_INSECURE_PROVIDER_URLS: 'yes' })).toThrow(/VR3_ALLOW_INSECURE_PROVIDER_URLS/);
  });
});

describe('derived timeouts', () => {
  it('RunStart waits the provider timeout plus a margin; the reaper spares runs until handshake + RunStart wait + margin', () => {
    const c = loadConfig({});
    expect(c.runStartTimeoutMs).toBe(EMBEDDED_DEFAULTS.providerTimeoutMs + EMBEDDED_DEFAULTS.runStartMarginMs);
    expect(c.runStartTimeoutMs).toBe(8_000);
    expect(c.initializedRunTimeoutMs).toBe(10_000 + 8_000 + EMBEDDED_DEFAULTS.initializedRunMarginMs);
    expect(c.reaperIntervalMs).toBe(5_000);
  });

  it('follows VR3_PROVIDER_TIMEOUT_MS and VR3_HANDSHAKE_TIMEOUT_MS', () => {
    const c = loadConfig({ VR3_PROVIDER_TIMEOUT_MS: '4000', VR3_HANDSHAKE_TIMEOUT_MS: '1500' });
    expect(c.runStartTimeoutMs).toBe(7_000);
    expect(c.initializedRunTimeoutMs).toBe(1_500 + 7_000 + EMBEDDED_DEFAULTS.initializedRunMarginMs);
  });

  it('takes VR3_INITIALIZED_RUN_TIMEOUT_MS only above handshake + RunStart wait, naming the variable', () => {
    const base = { VR3_PROVIDER_TIMEOUT_MS: '500', VR3_HANDSHAKE_TIMEOUT_MS: '1500' }; // floor 5000 ms
    expect(loadConfig({ ...base, VR3_INITIALIZED_RUN_TIMEOUT_MS: '5500', VR3_REAPER_INTERVAL_MS: '200' })).toMatchObject({ initializedRunTimeoutMs: 5_500, reaperIntervalMs: 200 });
    expect(() => loadConfig({ ...base, VR3_INITIALIZED_RUN_TIMEOUT_MS: '5000' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, VR3_INITIALIZED_RUN_TIMEOUT_MS: '5000' })).toThrow(/VR3_INITIALIZED_RUN_TIMEOUT_MS/);
  });
});

describe('public endpoint limits and metrics access', () => {
  it('default to the media-edge defaults; /metrics closed until a token is set or it is opened', () => {
    expect(loadConfig({})).toMatchObject({
      connectionsPerSecondPerAddress: 50,
      connectionBurstPerAddress: 200,
      maxInboundFramesPerSecond: 500,
      inboundFrameBurst: 1_000,
      httpLimits: { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 5_000 },
      metrics: { kind: 'closed' },
      publicUrl: null,
    });
    expect(loadConfig({ VR3_METRICS_PUBLIC: 'true' }).metrics).toEqual({ kind: 'public' });
  });

  it('reads every variable', () => {
    const c = loadConfig({
      VR3_CONNECTIONS_PER_SECOND_PER_ADDRESS: '5',
      VR3_CONNECTION_BURST_PER_ADDRESS: '20',
      VR3_MAX_INBOUND_FRAMES_PER_SECOND: '300',
      VR3_INBOUND_FRAME_BURST: '600',
      VR3_HTTP_HEADERS_TIMEOUT_MS: '5000',
      VR3_HTTP_REQUEST_TIMEOUT_MS: '20000',
      VR3_HTTP_KEEP_ALIVE_TIMEOUT_MS: '61000',
      VR3_MAX_CONNECTIONS: '2000',
      VR3_METRICS_TOKEN: 'prometheus-scrape-token',
      VR3_PUBLIC_URL: 'wss://voice.example.com',
    });
    expect(c).toMatchObject({
      connectionsPerSecondPerAddress: 5,
      connectionBurstPerAddress: 20,
      maxInboundFramesPerSecond: 300,
      inboundFrameBurst: 600,
      httpLimits: { headersTimeoutMs: 5_000, requestTimeoutMs: 20_000, keepAliveTimeoutMs: 61_000, maxConnections: 2_000 },
      metrics: { kind: 'token', token: 'prometheus-scrape-token' },
      publicUrl: 'wss://voice.example.com',
    });
  });

  it('refuses bad values naming the variable', () => {
    expect(() => loadConfig({ VR3_METRICS_TOKEN: 'short' })).toThrow(/VR3_METRICS_TOKEN/);
    expect(() => loadConfig({ VR3_METRICS_TOKEN: 'prometheus-scrape-token', VR3_METRICS_PUBLIC: 'true' })).toThrow(/VR3_METRICS_PUBLIC/);
    expect(() => loadConfig({ VR3_HTTP_HEADERS_TIMEOUT_MS: '40000' })).toThrow(/VR3_HTTP_REQUEST_TIMEOUT_MS/);
    expect(() => loadConfig({ VR3_PUBLIC_URL: 'voice.example.com' })).toThrow(/VR3_PUBLIC_URL/);
    expect(() => loadConfig({ VR3_INBOUND_FRAME_BURST: '0' })).toThrow(/VR3_INBOUND_FRAME_BURST/);
  });
});

describe('vendor deadline', () => {
  it('is unset by default (the vendor clients keep theirs); VR3_VENDOR_TIMEOUT_MS sets it within 500–120000 and is refused outside, naming it', () => {
    expect(loadConfig({}).vendorTimeoutMs).toBeNull();
    expect(loadConfig({ VR3_VENDOR_TIMEOUT_MS: '1500' }).vendorTimeoutMs).toBe(1500);
    expect(loadConfig({ VR3_VENDOR_TIMEOUT_MS: '120000' }).vendorTimeoutMs).toBe(120_000);
    expect(() => loadConfig({ VR3_VENDOR_TIMEOUT_MS: '499' })).toThrow(/VR3_VENDOR_TIMEOUT_MS must be an integer from 500 to 120000/);
    expect(() => loadConfig({ VR3_VENDOR_TIMEOUT_MS: '120001' })).toThrow(/VR3_VENDOR_TIMEOUT_MS/);
    expect(() => loadConfig({ VR3_VENDOR_TIMEOUT_MS: 'fast' })).toThrow(ConfigError);
  });
});

describe('TLS', () => {
  it('is off by default; VR3_TLS_CERT_FILE with VR3_TLS_KEY_FILE turns it on; one alone or a mismatched pair is refused naming the variable', () => {
    expect(loadConfig({}).tls).toBeNull();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vr3-embedded-config-'));
    try {
      const a = writeSelfSignedCertificate(dir, 'a');
      const b = writeSelfSignedCertificate(dir, 'b');
      expect(loadConfig({ VR3_TLS_CERT_FILE: a.certFile, VR3_TLS_KEY_FILE: a.keyFile }).tls).toEqual({ certFile: a.certFile, keyFile: a.keyFile });
      expect(() => loadConfig({ VR3_TLS_KEY_FILE: a.keyFile })).toThrow(ConfigError);
      expect(() => loadConfig({ VR3_TLS_KEY_FILE: a.keyFile })).toThrow(/VR3_TLS_CERT_FILE: required/);
      expect(() => loadConfig({ VR3_TLS_CERT_FILE: a.certFile })).toThrow(/VR3_TLS_KEY_FILE: required/);
      expect(() => loadConfig({ VR3_TLS_CERT_FILE: b.certFile, VR3_TLS_KEY_FILE: a.keyFile })).toThrow(/VR3_TLS_KEY_FILE: .* is not the private key/);
      expect(() => loadConfig({ VR3_TLS_CERT_FILE: a.certFile, VR3_TLS_KEY_FILE: a.keyFile, VR3_PUBLIC_URL: 'http://voice.example.com' })).toThrow(/VR3_PUBLIC_URL/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('public base URL', () => {
  it('is VR3_PUBLIC_URL when set, which alone turns the signature check on (publicUrl)', () => {
    const c = loadConfig({ VR3_PUBLIC_URL: 'wss://voice.example.com' });
    expect(c.publicUrl).toBe('wss://voice.example.com');
    expect(publicBaseUrlOf(c, 8080)).toBe('wss://voice.example.com');
  });

  it('unset, derives it from HOST and the bound port, without turning the signature check on', () => {
    const wildcard = loadConfig({});
    expect(wildcard.publicUrl).toBeNull();
    expect(publicBaseUrlOf(wildcard, 8080)).toBe('ws://localhost:8080');
    expect(publicBaseUrlOf(loadConfig({ HOST: '127.0.0.1', PORT: '0' }), 41234)).toBe('ws://127.0.0.1:41234');
    expect(publicBaseUrlOf(loadConfig({ HOST: 'voice.internal' }), 9000)).toBe('ws://voice.internal:9000');
    expect(publicBaseUrlOf(loadConfig({ HOST: '::1' }), 9000)).toBe('ws://[::1]:9000');
    expect(publicBaseUrlOf(loadConfig({ HOST: '::' }), 80)).toBe('ws://localhost');
  });

  it('is wss:// when the product serves TLS', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vr3-embedded-public-url-'));
    try {
      const a = writeSelfSignedCertificate(dir, 'a');
      const c = loadConfig({ HOST: 'voice.example.com', VR3_TLS_CERT_FILE: a.certFile, VR3_TLS_KEY_FILE: a.keyFile });
      expect(publicBaseUrlOf(c, 8443)).toBe('wss://voice.example.com:8443');
      expect(publicBaseUrlOf(c, 443)).toBe('wss://voice.example.com');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
