import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Who may read `/metrics`: holders of a bearer token, anyone (explicitly opened), or nobody (no
 * token configured and not opened: the safe default).
 */
export type MetricsAccess = { readonly kind: 'token'; readonly token: string } | { readonly kind: 'public' } | { readonly kind: 'closed' };

/** Shortest `VR3_METRICS_TOKEN` accepted. */
export const MIN_METRICS_TOKEN_LENGTH = 16;

/**
 * The access rule from `VR3_METRICS_TOKEN` and `VR3_METRICS_PUBLIC`: a token → bearer token
 * required (the stricter rule wins; the apps' environment parsing refuses both together);
 * `open` → anyone; neither → nobody (401).
 */
export function metricsAccess(token: string | undefined, open: boolean): MetricsAccess {
  if (token !== undefined) return { kind: 'token', token };
  return open ? { kind: 'public' } : { kind: 'closed' };
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

/** Headers and body of the answer to a request not allowed to read `/metrics`. */
export const METRICS_UNAUTHORIZED = Object.freeze({
  status: 401,
  headers: Object.freeze({ 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="metrics"' }),
  body: JSON.stringify({ error: { code: 'unauthorized', message: 'metrics need Authorization: Bearer <VR3_METRICS_TOKEN>' } }),
});
