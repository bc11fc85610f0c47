import { parseEnv } from '@vr3/env';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadControlPlaneEnv } from './env.ts';
import { WEBHOOK_ENV, webhookSettings } from './webhook-env.ts';

const settingsOf = (env: Record<string, string>) => webhookSettings(parseEnv(z.object(WEBHOOK_ENV), env));

describe('webhook variables', () => {
  it('keep the defaults when unset', () => {
    expect(settingsOf({})).toEqual({});
  });

  it('read every variable', () => {
    expect(settingsOf({ VR3_WEBHOOK_ATTEMPTS: '5', VR3_WEBHOOK_BACKOFF_MS: '250', VR3_WEBHOOK_MAX_BACKOFF_MS: '1000', VR3_WEBHOOK_TIMEOUT_MS: '2000' })).toEqual({
      webhookAttempts: 5,
      webhookBackoffMs: 250,
      webhookMaxBackoffMs: 1_000,
      webhookTimeoutMs: 2_000,
    });
  });

  it('raise the default cap to a first delay above it', () => {
    expect(settingsOf({ VR3_WEBHOOK_BACKOFF_MS: String(7 * 3_600_000) })).toEqual({ webhookBackoffMs: 7 * 3_600_000, webhookMaxBackoffMs: 7 * 3_600_000 });
  });

  it('refuse bad values, naming the variable', () => {
    expect(() => settingsOf({ VR3_WEBHOOK_ATTEMPTS: '0' })).toThrow(/VR3_WEBHOOK_ATTEMPTS/);
    expect(() => settingsOf({ VR3_WEBHOOK_ATTEMPTS: '101' })).toThrow(/VR3_WEBHOOK_ATTEMPTS must be at most 100/);
    expect(() => settingsOf({ VR3_WEBHOOK_TIMEOUT_MS: '50' })).toThrow(/VR3_WEBHOOK_TIMEOUT_MS/);
    expect(() => settingsOf({ VR3_WEBHOOK_BACKOFF_MS: '2000', VR3_WEBHOOK_MAX_BACKOFF_MS: '1000' })).toThrow(ConfigError);
    expect(() => settingsOf({ VR3_WEBHOOK_BACKOFF_MS: '2000', VR3_WEBHOOK_MAX_BACKOFF_MS: '1000' })).toThrow(/VR3_WEBHOOK_MAX_BACKOFF_MS/);
  });

  it('reach the distributed control-plane', () => {
    const env = loadControlPlaneEnv({
      DATABASE_URL: 'postgresql://vr3@127.0.0.1:5432/vr3',
      NATS_URL: 'nats://127.0.0.1:4222',
      REDIS_URL: 'redis://127.0.0.1:6379',
      VR3_SECRET_KEY: 'secret-key-checked-at-start',
      VR3_WEBHOOK_ATTEMPTS: '3',
    });
    expect(env.webhooks).toEqual({ webhookAttempts: 3 });
  });
});
