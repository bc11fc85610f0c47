import type { IncomingHttpHeaders } from 'node:http';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'vr3_session';

/** Session tokens as minted (`auth/tokens.ts`): anything else in the cookie is ignored. */
const TOKEN_SHAPE = /^[\w-]{16,128}$/;

/**
 * The session token from the `Cookie` header, or undefined. Only the first `vr3_session` counts;
 * a value that is not token-shaped is ignored (the request is then unauthenticated).
 */
export function readSessionCookie(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return TOKEN_SHAPE.test(value) ? value : undefined;
  }
  return undefined;
}

/**
 * `Set-Cookie` of a session: HttpOnly (no script reads it), SameSite=Strict (no other site's page
 * sends it), Path=/, Secure when the product is reached over TLS, and Max-Age its absolute
 * lifetime (the idle timeout is enforced by the server).
 */
export function sessionCookie(token: string, options: { secure: boolean; maxAgeMs: number }): string {
  return `${SESSION_COOKIE}=${token}; Path=/; Max-Age=${Math.floor(options.maxAgeMs / 1000)}; HttpOnly; SameSite=Strict${options.secure ? '; Secure' : ''}`;
}

/** `Set-Cookie` that removes the session cookie (sign-out, an unusable session). */
export function clearedSessionCookie(options: { secure: boolean }): string {
  return `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict${options.secure ? '; Secure' : ''}`;
}
