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
