import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, EMBEDDED_DEFAULTS, loadConfig } from './config.ts';

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
