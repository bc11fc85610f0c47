import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../errors.ts';
import { isSameOrigin, type RequestOrigin } from './request-origin.ts';

/** Header a cookie-authenticated request that changes something must carry. */
export const CSRF_HEADER = 'x-csrf-token';
/** Methods that change nothing: no CSRF check. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The CSRF token of a session: derived from its session token (SHA-256 under a label of its own, so
 * it is never the stored token hash), so nothing more is stored and a page learns it only from the
 * API (sign-in, `GET /me`), which another site's page cannot read.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHash('sha256').update('vr3-csrf\0', 'utf8').update(sessionToken, 'utf8').digest('base64url');
}

/**
 * Refuses an unsafe (`POST`, `PUT`, `PATCH`, `DELETE`…) cookie-authenticated request: 403
 * `origin_not_allowed` when its `Origin` is another site, 403 `csrf_token_invalid` without an
 * `X-CSRF-Token` header equal to the session's. Safe methods pass.
 */
export function checkCsrf(req: RequestOrigin & { method: string }, sessionToken: string, publicUrl: string | null): void {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return;
  if (!isSameOrigin(req, publicUrl)) throw new ApiError('origin_not_allowed', 'cross-origin requests are not allowed with a session cookie');
  const given = req.headers[CSRF_HEADER];
  const expected = Buffer.from(csrfTokenFor(sessionToken), 'utf8');
  const actual = Buffer.from(typeof given === 'string' ? given : '', 'utf8');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new ApiError('csrf_token_invalid', 'missing or wrong X-CSRF-Token header');
  }
}
