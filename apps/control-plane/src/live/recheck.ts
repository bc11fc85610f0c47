import type { IncomingHttpHeaders } from 'node:http';
import { readSessionCookie } from '../auth/session-cookie.ts';
import { findActiveSession } from '../auth/sessions.ts';
import type { ControlPlaneContext } from '../context.ts';
import { hashApiKey } from '../crypto/api-keys.ts';
import { findActiveApiKey } from '../db/api-keys.ts';
import { hasRole, lowerRole, type Role } from '../http/roles.ts';
import { LAST_USED_RESOLUTION_MS, sessionLifetime, type Principal } from '../http/middleware.ts';

/**
 * Whether the credential a long-lived request was authenticated with still holds, as `authenticate`
 * would decide now: the same API key or session cookie, still active (not revoked, not expired, a
 * session not idle past its timeout — the stream itself is not activity), of the same
 * organization, with at least `required`. A stream that fails this is ended: a revocation reaches
 * open streams too, not only new requests.
 */
export async function credentialStillHolds(ctx: ControlPlaneContext, headers: IncomingHttpHeaders, principal: Principal, required: Role): Promise<boolean> {
  const header = headers.authorization;
  if (header === undefined) {
    const cookie = readSessionCookie(headers);
    if (cookie === undefined) return false;
    const session = await findActiveSession(ctx.prisma, cookie, sessionLifetime(ctx));
    return session !== undefined && session.id === principal.sessionId && session.organizationId === principal.organizationId && hasRole(session.role, required);
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return false;
  const key = await findActiveApiKey(ctx.prisma, hashApiKey(match[1]!), LAST_USED_RESOLUTION_MS);
  return key !== undefined && key.id === principal.apiKeyId && key.organizationId === principal.organizationId && hasRole(lowerRole(key.role, key.userRole), required);
}
