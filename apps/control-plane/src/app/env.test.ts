import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSelfSignedCertificate } from '@vr3/env/testing';
import { ConfigError, CONTROL_PLANE_DEFAULTS, loadControlPlaneEnv } from './env.ts';

const REQUIRED = {
  DATABASE_URL: 'postgresql://vr3@127.0.0.1:5432/vr3',
  NATS_URL: 'nats://127.0.0.1:4222',
  REDIS_URL: 'redis://127.0.0.1:6379',
  VR3_SECRET_KEY: 'secret-key-checked-at-start',
};

describe('loadControlPlaneEnv: HTTP limits and metrics access', () => {
  it('defaults: 10 s headers, 30 s request, 5 s keep-alive, 1000 connections; /metrics closed', () => {
    const env = loadControlPlaneEnv(REQUIRED);
    expect(env.http).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 1_000 });
    expect(env.http).toEqual(CONTROL_PLANE_DEFAULTS.http);
    expect(env.metrics).toEqual({ kind: 'closed' });
  });

  it('reads every variable', () => {
    const env = loadControlPlaneEnv({
      ...REQUIRED,
      VR3_HTTP_HEADERS_TIMEOUT_MS: '2000',
      VR3_HTTP_REQUEST_TIMEOUT_MS: '4000',
      VR3_HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000',
      VR3_MAX_CONNECTIONS: '300',
      VR3_METRICS_TOKEN: 'a-metrics-token-of-some-length',
    });
    expect(env).toMatchObject({
      http: { headersTimeoutMs: 2_000, requestTimeoutMs: 4_000, keepAliveTimeoutMs: 65_000, maxConnections: 300 },
      metrics: { kind: 'token', token: 'a-metrics-token-of-some-length' },
    });
    expect(loadControlPlaneEnv({ ...REQUIRED, VR3_METRICS_PUBLIC: 'true' }).metrics).toEqual({ kind: 'public' });
  });

  it('refuses bad values naming the variable', () => {
    expect(() => loadControlPlaneEnv({ ...REQUIRED, VR3_METRICS_TOKEN: 'short' })).toThrow(/VR3_METRICS_TOKEN/);
    expect(() => loadControlPlaneEnv({ ...REQUIRED, VR3_METRICS_TOKEN: 'a-metrics-token-of-some-length', VR3_METRICS_PUBLIC: 'true' })).toThrow(/VR3_METRICS_PUBLIC/);
    expect(() => loadControlPlaneEnv({ ...REQUIRED, VR3_HTTP_HEADERS_TIMEOUT_MS: '40000' })).toThrow(ConfigError);
    expect(() => loadControlPlaneEnv({ ...REQUIRED, VR3_HTTP_HEADERS_TIMEOUT_MS: '40000' })).toThrow(/VR3_HTTP_REQUEST_TIMEOUT_MS/);
    expect(() => loadControlPlaneEnv({ ...REQUIRED, VR3_MAX_CONNECTIONS: '0' })).toThrow(/VR3_MAX_CONNECTIONS/);
  });
});

describe('loadControlPlaneEnv: TLS', () => {
  it('serves http by default; VR3_TLS_CERT_FILE with VR3_TLS_KEY_FILE turns https on; one alone or a bad pair is refused naming the variable', () => {
    expect(loadControlPlaneEnv(REQUIRED).tls).toBeNull();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vr3-cp-env-'));
    try {
      const a = writeSelfSignedCertificate(dir, 'a');
      expect(loadControlPlaneEnv({ ...REQUIRED, VR3_TLS_CERT_FILE: a.certFile, VR3_TLS_KEY_FILE: a.keyFile }).tls).toEqual({ certFile: a.certFile, keyFile: a.keyFile });
      expect(() => loadControlPlaneEnv({ ...REQUIRED, VR3_TLS_CERT_FILE: a.certFile })).toThrow(ConfigError);
      expect(() => loadControlPlaneEnv({ ...REQUIRED, VR3_TLS_CERT_FILE: a.certFile })).toThrow(/VR3_TLS_KEY_FILE: required/);
      expect(() => loadControlPlaneEnv({ ...REQUIRED, VR3_TLS_KEY_FILE: a.keyFile })).toThrow(/VR3_TLS_CERT_FILE: required/);
      expect(() => loadControlPlaneEnv({ ...REQUIRED, VR3_TLS_CERT_FILE: a.keyFile, VR3_TLS_KEY_FILE: a.keyFile })).toThrow(/VR3_TLS_CERT_FILE: .* holds no PEM certificate/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('loadControlPlaneEnv: public URL', () => {
  it('is unset by default; VR3_PUBLIC_URL sets it; one with a path is refused naming it', () => {
    expect(loadControlPlaneEnv(REQUIRED).publicUrl).toBeNull();
    expect(loadControlPlaneEnv({ ...REQUIRED, VR3_PUBLIC_URL: 'wss://voice.example.com' }).publicUrl).toBe('wss://voice.example.com');
    expect(() => loadControlPlaneEnv({ ...REQUIRED, VR3_PUBLIC_URL: 'wss://voice.example.com/api' })).toThrow(/VR3_PUBLIC_URL/);
  });
});

describe('loadControlPlaneEnv: outbound stream tokens', () => {
  it('VR3_OUTBOUND_STREAM_TOKEN_TTL_MS sets how long a stream token stays valid; unset keeps the control-plane default; below 1 s or not a number is refused naming it', () => {
    expect(loadControlPlaneEnv(REQUIRED).outboundStreamTokenTtlMs).toBeUndefined();
    expect(loadControlPlaneEnv({ ...REQUIRED, VR3_OUTBOUND_STREAM_TOKEN_TTL_MS: '5000' }).outboundStreamTokenTtlMs).toBe(5000);
    expect(() => loadControlPlaneEnv({ ...REQUIRED, VR3_OUTBOUND_STREAM_TOKEN_TTL_MS: '999' })).toThrow(/VR3_OUTBOUND_STREAM_TOKEN_TTL_MS/);
    expect(() => loadControlPlaneEnv({ ...REQUIRED, VR3_OUTBOUND_STREAM_TOKEN_TTL_MS: 'soon' })).toThrow(/VR3_OUTBOUND_STREAM_TOKEN_TTL_MS/);
  });
});
