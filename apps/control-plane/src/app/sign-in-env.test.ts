import { parseEnv } from '@vr3/env';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { SIGN_IN_ENV, signInSettings } from './sign-in-env.ts';

describe('sign-in environment', () => {
  const load = (env: NodeJS.ProcessEnv) => signInSettings(parseEnv(z.object(SIGN_IN_ENV), env));

  it('reads the bootstrap password and email and the session lifetimes', () => {
    expect(load({})).toEqual({ bootstrapPassword: undefined, bootstrapEmail: undefined, sessionIdleTimeoutMs: undefined, sessionMaxAgeMs: undefined });
    expect(
      load({ VR3_BOOTSTRAP_PASSWORD: 'twelve chars', VR3_BOOTSTRAP_EMAIL: 'ops@example.com', VR3_SESSION_IDLE_TIMEOUT_MS: '600000', VR3_SESSION_MAX_AGE_MS: '86400000' }),
    ).toEqual({ bootstrapPassword: 'twelve chars', bootstrapEmail: 'ops@example.com', sessionIdleTimeoutMs: 600_000, sessionMaxAgeMs: 86_400_000 });
  });

  it('takes a single-label host, like the default admin@localhost', () => {
    expect(load({ VR3_BOOTSTRAP_EMAIL: 'admin@localhost' }).bootstrapEmail).toBe('admin@localhost');
  });

  it('refuses bad values, naming the variable', () => {
    expect(() => load({ VR3_BOOTSTRAP_PASSWORD: 'short' })).toThrow('VR3_BOOTSTRAP_PASSWORD must be at least 12 characters');
    expect(() => load({ VR3_BOOTSTRAP_PASSWORD: 'x'.repeat(257) })).toThrow('VR3_BOOTSTRAP_PASSWORD must be at most 256 characters');
    expect(() => load({ VR3_BOOTSTRAP_EMAIL: 'admin' })).toThrow(/VR3_BOOTSTRAP_EMAIL/);
    expect(() => load({ VR3_BOOTSTRAP_EMAIL: 'ad min@localhost' })).toThrow(/VR3_BOOTSTRAP_EMAIL/);
    expect(() => load({ VR3_SESSION_IDLE_TIMEOUT_MS: '10' })).toThrow(/VR3_SESSION_IDLE_TIMEOUT_MS/);
    expect(() => load({ VR3_SESSION_MAX_AGE_MS: 'a day' })).toThrow(/VR3_SESSION_MAX_AGE_MS/);
  });
});
