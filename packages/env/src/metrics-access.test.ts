import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from './errors.ts';
import { METRICS_ACCESS_ENV, metricsAccess, metricsAuthorized } from './metrics-access.ts';
import { parseEnv } from './parse.ts';

const TOKEN = 'metrics-token-0123456789';
const access = (token: string | undefined, open: boolean) => metricsAccess({ VR3_METRICS_TOKEN: token, VR3_METRICS_PUBLIC: open });

describe('metrics access', () => {
  it('with a token: only `Authorization: Bearer <token>` reads /metrics', () => {
    const withToken = access(TOKEN, false);
    expect(metricsAuthorized(withToken, `Bearer ${TOKEN}`)).toBe(true);
    expect(metricsAuthorized(withToken, `bearer ${TOKEN}`)).toBe(true);
    expect(metricsAuthorized(withToken, undefined)).toBe(false);
    expect(metricsAuthorized(withToken, '')).toBe(false);
    expect(metricsAuthorized(withToken, TOKEN)).toBe(false);
    expect(metricsAuthorized(withToken, `Bearer ${TOKEN}x`)).toBe(false);
    expect(metricsAuthorized(withToken, `Bearer ${TOKEN.slice(0, -1)}`)).toBe(false);
    expect(metricsAuthorized(withToken, `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`)).toBe(false);
  });

  it('neither token nor public: closed to everyone; public: open to everyone', () => {
    expect(access(undefined, false)).toEqual({ kind: 'closed' });
    expect(metricsAuthorized(access(undefined, false), `Bearer ${TOKEN}`)).toBe(false);
    expect(access(undefined, true)).toEqual({ kind: 'public' });
    expect(metricsAuthorized(access(undefined, true), undefined)).toBe(true);
  });

  it('refuses a token together with VR3_METRICS_PUBLIC, naming it', () => {
    expect(() => access(TOKEN, true)).toThrow(ConfigError);
    expect(() => access(TOKEN, true)).toThrow('invalid environment: VR3_METRICS_PUBLIC: cannot be true together with VR3_METRICS_TOKEN');
  });

  it('METRICS_ACCESS_ENV parses both variables and refuses a short token, naming it', () => {
    const Schema = z.object(METRICS_ACCESS_ENV);
    expect(metricsAccess(parseEnv(Schema, { VR3_METRICS_TOKEN: TOKEN }))).toEqual({ kind: 'token', token: TOKEN });
    expect(metricsAccess(parseEnv(Schema, { VR3_METRICS_PUBLIC: 'true' }))).toEqual({ kind: 'public' });
    expect(metricsAccess(parseEnv(Schema, {}))).toEqual({ kind: 'closed' });
    expect(() => parseEnv(Schema, { VR3_METRICS_TOKEN: 'short' })).toThrow('invalid environment: VR3_METRICS_TOKEN: VR3_METRICS_TOKEN must be at least 16 characters');
  });
});
