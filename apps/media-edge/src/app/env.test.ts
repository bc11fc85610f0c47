import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MEDIA_EDGE_CONFIG } from '../config.ts';
import { writeSelfSignedCertificate } from '@vr3/env/testing';
import { ConfigError, loadMediaEdgeEnv, MEDIA_EDGE_DEFAULTS } from './env.ts';

const NATS = { NATS_URL: 'nats://127.0.0.1:4222' };

describe('loadMediaEdgeEnv: RunStart timeout', () => {
  it('defaults to 8 s, above the control-plane default provider timeout (5 s), separate from the 2 s bus timeout', () => {
    const env = loadMediaEdgeEnv(NATS);
    expect(env.runStartTimeoutMs).toBe(8_000);
    expect(MEDIA_EDGE_DEFAULTS.runStartTimeoutMs).toBe(DEFAULT_MEDIA_EDGE_CONFIG.runStartTimeoutMs);
    expect(env.runStartTimeoutMs).toBeGreaterThan(5_000);
    expect(env.busRequestTimeoutMs).toBe(2_000);
  });

  it('reads VR3_RUN_START_TIMEOUT_MS and refuses bad values naming it', () => {
    expect(loadMediaEdgeEnv({ ...NATS, VR3_RUN_START_TIMEOUT_MS: '12000' }).runStartTimeoutMs).toBe(12_000);
    expect(() => loadMediaEdgeEnv({ ...NATS, VR3_RUN_START_TIMEOUT_MS: '5' })).toThrow(ConfigError);
    expect(() => loadMediaEdgeEnv({ ...NATS, VR3_RUN_START_TIMEOUT_MS: 'soon' })).toThrow(/VR3_RUN_START_TIMEOUT_MS/);
  });
});

describe('loadMediaEdgeEnv: admission bounds', () => {
  it('default to the media-edge config defaults (128 pending handshakes per address, 256 admissions in flight)', () => {
    const env = loadMediaEdgeEnv(NATS);
    expect(env.maxPendingHandshakesPerAddress).toBe(128);
    expect(env.maxPendingAdmissions).toBe(256);
    expect(MEDIA_EDGE_DEFAULTS.maxPendingHandshakesPerAddress).toBe(DEFAULT_MEDIA_EDGE_CONFIG.maxPendingHandshakesPerAddress);
    expect(MEDIA_EDGE_DEFAULTS.maxPendingAdmissions).toBe(DEFAULT_MEDIA_EDGE_CONFIG.maxPendingAdmissions);
  });

  it('reads VR3_MAX_PENDING_HANDSHAKES_PER_ADDRESS and VR3_MAX_PENDING_ADMISSIONS', () => {
    const env = loadMediaEdgeEnv({ ...NATS, VR3_MAX_PENDING_HANDSHAKES_PER_ADDRESS: '4', VR3_MAX_PENDING_ADMISSIONS: '1000' });
    expect(env).toMatchObject({ maxPendingHandshakesPerAddress: 4, maxPendingAdmissions: 1000 });
  });

  it.each(['VR3_MAX_PENDING_HANDSHAKES_PER_ADDRESS', 'VR3_MAX_PENDING_ADMISSIONS'])('refuses %s below 1 or not an integer, naming it', (name) => {
    expect(() => loadMediaEdgeEnv({ ...NATS, [name]: '0' })).toThrow(ConfigError);
    expect(() => loadMediaEdgeEnv({ ...NATS, [name]: '0' })).toThrow(name);
    expect(() => loadMediaEdgeEnv({ ...NATS, [name]: '2.5' })).toThrow(name);
  });

  it('reads VR3_TRUSTED_PROXIES (addresses and CIDR ranges) and refuses a bad entry naming the variable', () => {
    expect(loadMediaEdgeEnv({ ...NATS }).trustedProxies).toEqual([]);
    expect(loadMediaEdgeEnv({ ...NATS, VR3_TRUSTED_PROXIES: '10.0.0.5, 172.16.0.0/12,,fd00::/8' }).trustedProxies).toEqual(['10.0.0.5', '172.16.0.0/12', 'fd00::/8']);
    expect(() => loadMediaEdgeEnv({ ...NATS, VR3_TRUSTED_PROXIES: '10.0.0.5,haproxy' })).toThrow(/VR3_TRUSTED_PROXIES.*haproxy/);
  });
});

describe('loadMediaEdgeEnv: public endpoint limits and metrics access', () => {
  it('defaults: 50 connections/s per address (bursts of 200), 500 frames/s per call (burst 1000), HTTP limits, /metrics closed, no public URL', () => {
    const env = loadMediaEdgeEnv(NATS);
    expect(env).toMatchObject({
      connectionsPerSecondPerAddress: 50,
      connectionBurstPerAddress: 200,
      maxInboundFramesPerSecond: 500,
      inboundFrameBurst: 1_000,
      httpLimits: { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 5_000 },
      metrics: { kind: 'closed' },
      publicUrl: null,
    });
  });

  it('reads every variable', () => {
    const env = loadMediaEdgeEnv({
      ...NATS,
      VR3_CONNECTIONS_PER_SECOND_PER_ADDRESS: '5',
      VR3_CONNECTION_BURST_PER_ADDRESS: '10',
      VR3_MAX_INBOUND_FRAMES_PER_SECOND: '250',
      VR3_INBOUND_FRAME_BURST: '400',
      VR3_HTTP_HEADERS_TIMEOUT_MS: '2000',
      VR3_HTTP_REQUEST_TIMEOUT_MS: '4000',
      VR3_HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000',
      VR3_MAX_CONNECTIONS: '300',
      VR3_METRICS_TOKEN: 'a-metrics-token-of-some-length',
      VR3_PUBLIC_URL: 'wss://voice.example.com',
    });
    expect(env).toMatchObject({
      connectionsPerSecondPerAddress: 5,
      connectionBurstPerAddress: 10,
      maxInboundFramesPerSecond: 250,
      inboundFrameBurst: 400,
      httpLimits: { headersTimeoutMs: 2_000, requestTimeoutMs: 4_000, keepAliveTimeoutMs: 65_000, maxConnections: 300 },
      metrics: { kind: 'token', token: 'a-metrics-token-of-some-length' },
      publicUrl: 'wss://voice.example.com',
    });
    expect(loadMediaEdgeEnv({ ...NATS, VR3_METRICS_PUBLIC: 'true' }).metrics).toEqual({ kind: 'public' });
  });

  it('refuses bad values naming the variable', () => {
    expect(() => loadMediaEdgeEnv({ ...NATS, VR3_METRICS_TOKEN: 'short' })).toThrow(/VR3_METRICS_TOKEN/);
    expect(() => loadMediaEdgeEnv({ ...NATS, VR3_METRICS_TOKEN: 'a-metrics-token-of-some-length', VR3_METRICS_PUBLIC: 'true' })).toThrow(/VR3_METRICS_PUBLIC/);
    expect(() => loadMediaEdgeEnv({ ...NATS, VR3_HTTP_HEADERS_TIMEOUT_MS: '20000', VR3_HTTP_REQUEST_TIMEOUT_MS: '10000' })).toThrow(/VR3_HTTP_REQUEST_TIMEOUT_MS/);
    expect(() => loadMediaEdgeEnv({ ...NATS, VR3_PUBLIC_URL: 'wss://voice.example.com/stream' })).toThrow(/VR3_PUBLIC_URL/);
    expect(() => loadMediaEdgeEnv({ ...NATS, VR3_MAX_CONNECTIONS: '0' })).toThrow(/VR3_MAX_CONNECTIONS/);
    expect(() => loadMediaEdgeEnv({ ...NATS, VR3_CONNECTIONS_PER_SECOND_PER_ADDRESS: '0' })).toThrow(/VR3_CONNECTIONS_PER_SECOND_PER_ADDRESS/);
  });
});

describe('loadMediaEdgeEnv: vendor deadline', () => {
  it('is unset by default (each vendor client keeps its own deadline); VR3_VENDOR_TIMEOUT_MS sets it at its bounds', () => {
    expect(loadMediaEdgeEnv(NATS).vendorTimeoutMs).toBeNull();
    expect(loadMediaEdgeEnv({ ...NATS, VR3_VENDOR_TIMEOUT_MS: '' }).vendorTimeoutMs).toBeNull();
    expect(loadMediaEdgeEnv({ ...NATS, VR3_VENDOR_TIMEOUT_MS: '1500' }).vendorTimeoutMs).toBe(1500);
    expect(loadMediaEdgeEnv({ ...NATS, VR3_VENDOR_TIMEOUT_MS: '500' }).vendorTimeoutMs).toBe(500);
    expect(loadMediaEdgeEnv({ ...NATS, VR3_VENDOR_TIMEOUT_MS: '120000' }).vendorTimeoutMs).toBe(120_000);
  });

  it('refuses a value out of 500–120000 or not an integer, naming the variable and its range', () => {
    for (const bad of ['499', '120001', '0', '-1', '1.5', '1e4', 'soon']) {
      expect(() => loadMediaEdgeEnv({ ...NATS, VR3_VENDOR_TIMEOUT_MS: bad }), bad).toThrow(ConfigError);
      expect(() => loadMediaEdgeEnv({ ...NATS, VR3_VENDOR_TIMEOUT_MS: bad }), bad).toThrow(/VR3_VENDOR_TIMEOUT_MS must be an integer from 500 to 120000/);
    }
  });
});

describe('loadMediaEdgeEnv: TLS', () => {
  it('is off without VR3_TLS_CERT_FILE/VR3_TLS_KEY_FILE; both set to a matching pair turns it on; one alone or a bad pair is refused naming the variable', () => {
    expect(loadMediaEdgeEnv(NATS).tls).toBeNull();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vr3-edge-env-'));
    try {
      const a = writeSelfSignedCertificate(dir, 'a');
      const b = writeSelfSignedCertificate(dir, 'b');
      expect(loadMediaEdgeEnv({ ...NATS, VR3_TLS_CERT_FILE: a.certFile, VR3_TLS_KEY_FILE: a.keyFile }).tls).toEqual({ certFile: a.certFile, keyFile: a.keyFile });
      // Empty counts as unset (compose passes `${VAR:-}`).
      expect(loadMediaEdgeEnv({ ...NATS, VR3_TLS_CERT_FILE: '', VR3_TLS_KEY_FILE: '' }).tls).toBeNull();
      expect(() => loadMediaEdgeEnv({ ...NATS, VR3_TLS_CERT_FILE: a.certFile })).toThrow(ConfigError);
      expect(() => loadMediaEdgeEnv({ ...NATS, VR3_TLS_CERT_FILE: a.certFile })).toThrow(/VR3_TLS_KEY_FILE: required/);
      expect(() => loadMediaEdgeEnv({ ...NATS, VR3_TLS_KEY_FILE: a.keyFile })).toThrow(/VR3_TLS_CERT_FILE: required/);
      expect(() => loadMediaEdgeEnv({ ...NATS, VR3_TLS_CERT_FILE: a.certFile, VR3_TLS_KEY_FILE: b.keyFile })).toThrow(/VR3_TLS_KEY_FILE: .* is not the private key/);
      expect(() => loadMediaEdgeEnv({ ...NATS, VR3_TLS_CERT_FILE: path.join(dir, 'none.crt'), VR3_TLS_KEY_FILE: a.keyFile })).toThrow(/VR3_TLS_CERT_FILE: cannot read/);
      // Served over TLS, the public URL providers use is wss://.
      const both = { ...NATS, VR3_TLS_CERT_FILE: a.certFile, VR3_TLS_KEY_FILE: a.keyFile };
      expect(loadMediaEdgeEnv({ ...both, VR3_PUBLIC_URL: 'wss://voice.example.com' }).publicUrl).toBe('wss://voice.example.com');
      expect(() => loadMediaEdgeEnv({ ...both, VR3_PUBLIC_URL: 'ws://voice.example.com' })).toThrow(/VR3_PUBLIC_URL: must be a wss:\/\//);
      expect(loadMediaEdgeEnv({ ...NATS, VR3_PUBLIC_URL: 'ws://voice.example.com' }).publicUrl).toBe('ws://voice.example.com');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
