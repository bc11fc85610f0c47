import { describe, expect, it } from 'vitest';
import { metricsAccess, metricsAuthorized } from './metrics-access.ts';

const TOKEN = 'metrics-token-0123456789';

describe('metrics access', () => {
  it('with a token: only `Authorization: Bearer <token>` reads /metrics', () => {
    const access = metricsAccess(TOKEN, false);
    expect(metricsAuthorized(access, `Bearer ${TOKEN}`)).toBe(true);
    expect(metricsAuthorized(access, `bearer ${TOKEN}`)).toBe(true);
    expect(metricsAuthorized(access, undefined)).toBe(false);
    expect(metricsAuthorized(access, '')).toBe(false);
    expect(metricsAuthorized(access, TOKEN)).toBe(false);
    expect(metricsAuthorized(access, `Bearer ${TOKEN}x`)).toBe(false);
    expect(metricsAuthorized(access, `Bearer ${TOKEN.slice(0, -1)}`)).toBe(false);
    expect(metricsAuthorized(access, `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`)).toBe(false);
  });

  it('neither token nor public: closed to everyone; public: open to everyone', () => {
    expect(metricsAccess(undefined, false)).toEqual({ kind: 'closed' });
    expect(metricsAuthorized(metricsAccess(undefined, false), `Bearer ${TOKEN}`)).toBe(false);
    expect(metricsAccess(undefined, true)).toEqual({ kind: 'public' });
    expect(metricsAuthorized(metricsAccess(undefined, true), undefined)).toBe(true);
  });
});
