import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ConfigError } from './errors.ts';
import { envBool } from './parse.ts';

/**
 * Who may read `/metrics`: holders of a bearer token, anyone (explicitly opened), or nobody (no
 * token configured and not opened: the safe default).
 */
export type MetricsAccess = { readonly kind: 'token'; readonly token: string } | { readonly kind: 'public' } | { readonly kind: 'closed' };

/** Shortest `VR3_METRICS_TOKEN` accepted. */
export const MIN_METRICS_TOKEN_LENGTH = 16;

/**
 * The schema fields of `VR3_METRICS_TOKEN` (a bearer token of at least
 * {@link MIN_METRICS_TOKEN_LENGTH} characters) and `VR3_METRICS_PUBLIC` (a boolean), to spread
 * into an app's environment schema; {@link metricsAccess} turns their values into the rule.
 */
export const METRICS_ACCESS_ENV = {
  VR3_METRICS_TOKEN: z.string().min(MIN_METRICS_TOKEN_LENGTH, `VR3_METRICS_TOKEN must be at least ${MIN_METRICS_TOKEN_LENGTH} characters`).optional(),
  VR3_METRICS_PUBLIC: envBool,
} as const;

/** The parsed values of {@link METRICS_ACCESS_ENV}. */
export interface MetricsAccessEnv {
  VR3_METRICS_TOKEN?: string | undefined;
  VR3_METRICS_PUBLIC: boolean;
}

/**
 * The access rule from `VR3_METRICS_TOKEN` and `VR3_METRICS_PUBLIC`: a token → bearer token
 * required; `VR3_METRICS_PUBLIC` → anyone; neither → nobody (401). Throws {@link ConfigError}
 * when both are set: opening what a token protects is refused rather than guessed.
 */
export function metricsAccess(env: MetricsAccessEnv): MetricsAccess {
  if (env.VR3_METRICS_TOKEN !== undefined && env.VR3_METRICS_PUBLIC) {
    throw new ConfigError('invalid environment: VR3_METRICS_PUBLIC: cannot be true together with VR3_METRICS_TOKEN');
  }
  if (env.VR3_METRICS_TOKEN !== undefined) return { kind: 'token', token: env.VR3_METRICS_TOKEN };
  return env.VR3_METRICS_PUBLIC ? { kind: 'public' } : { kind: 'closed' };
}

/** Whether a request with this `Authorization` header may read `/metrics` (the token compared in constant time). */
export function metricsAuthorized(access: MetricsAccess, authorization: string | undefined): boolean {
  if (access.kind === 'public') return true;
  if (access.kind === 'closed' || authorization === undefined) return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) return false;
  // Hashed first: equal lengths for timingSafeEqual, and the token's length is not revealed.
  const given = createHash('sha256').update(match[1]!).digest();
  const expected = createHash('sha256').update(access.token).digest();
  return timingSafeEqual(given, expected);
}

/** Status, headers and body of the answer to a request not allowed to read `/metrics`. */
export const METRICS_UNAUTHORIZED = Object.freeze({
  status: 401,
  headers: Object.freeze({ 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="metrics"' }),
  body: JSON.stringify({ error: { code: 'unauthorized', message: 'metrics need Authorization: Bearer <VR3_METRICS_TOKEN>' } }),
});
