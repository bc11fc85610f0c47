import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { checkCsrf } from '../auth/csrf.ts';
import { servedOverTls } from '../auth/request-origin.ts';
import { clearedSessionCookie, readSessionCookie } from '../auth/session-cookie.ts';
import { findActiveSession, touchSession, type SessionLifetime } from '../auth/sessions.ts';
import type { ControlPlaneContext } from '../context.ts';
import { hashApiKey } from '../crypto/api-keys.ts';
import { findActiveApiKey, touchApiKey } from '../db/api-keys.ts';
import { ApiError } from '../errors.ts';
import { compileRouteRoles, hasRole, lowerRole, type Role, type RouteRole } from './roles.ts';

/** The caller, resolved from its API key or its session cookie. */
export interface Principal {
  userId: string;
  organizationId: string;
  /** The API key the request carried; null for a signed-in person (session cookie). */
  apiKeyId: string | null;
  /** The session of a signed-in person; null for an API key. */
  sessionId: string | null;
  /** What the caller may do: the lower of the key's role and its user's role; a session's user's role. */
  role: Role;
}

/** The session a cookie-authenticated request carries (its token is never logged nor sent back but as the cookie). */
export interface RequestSession {
  id: string;
  token: string;
}

/** Refresh `last_used_at` at most this often per key, in milliseconds. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** The principal set by {@link authenticate}. */
export function principal(res: Response): Principal {
  return res.locals['principal'] as Principal;
}

/** The session of a cookie-authenticated request (see {@link authenticate}), or undefined for an API key. */
export function requestSession(res: Response): RequestSession | undefined {
  return res.locals['session'] as RequestSession | undefined;
}

/** The session lifetime the context is configured with. */
export function sessionLifetime(ctx: ControlPlaneContext): SessionLifetime {
  return { idleTimeoutMs: ctx.config.sessionIdleTimeoutMs, maxAgeMs: ctx.config.sessionMaxAgeMs };
}

/**
 * Authenticates every route: `Authorization: Bearer <api key>` (machines), else the `vr3_session`
 * cookie of a signed-in person. 401 `unauthorized` otherwise (unknown, revoked and expired keys
 * and sessions alike; an unusable cookie is cleared). A cookie-authenticated request that changes
 * something must also pass {@link checkCsrf} (403 `origin_not_allowed` / `csrf_token_invalid`); API
 * keys are exempt (a browser never adds them on its own). Keys and sessions are looked up in the
 * database on every request (one indexed read, no cache): a revocation, an expiry or a sign-out
 * holds at once on every replica. `last_used_at` / `last_seen_at` are written at most once a
 * minute, off the request path.
 */
export function authenticate(ctx: ControlPlaneContext) {
  const { prisma, logger } = ctx;
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.headers.authorization;
    const cookie = header === undefined ? readSessionCookie(req.headers) : undefined;
    if (cookie !== undefined) {
      const session = await findActiveSession(prisma, cookie, sessionLifetime(ctx));
      if (!session) {
        res.setHeader('Set-Cookie', clearedSessionCookie({ secure: servedOverTls(req, ctx.config.publicUrl) }));
        throw new ApiError('unauthorized', 'session expired or signed out');
      }
      checkCsrf(req, cookie, ctx.config.publicUrl);
      res.locals['principal'] = { userId: session.userId, organizationId: session.organizationId, apiKeyId: null, sessionId: session.id, role: session.role } satisfies Principal;
      res.locals['session'] = { id: session.id, token: cookie } satisfies RequestSession;
      if (session.touchDue) touchSession(prisma, session.id).catch((err: unknown) => logger.warn({ err }, 'cannot record session use'));
      next();
      return;
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!match) throw new ApiError('unauthorized', 'missing or malformed Authorization header');
    const key = await findActiveApiKey(prisma, hashApiKey(match[1]!), LAST_USED_RESOLUTION_MS);
    if (!key) throw new ApiError('unauthorized', 'invalid API key');
    res.locals['principal'] = {
      userId: key.userId,
      organizationId: key.organizationId,
      apiKeyId: key.id,
      sessionId: null,
      role: lowerRole(key.role, key.userRole),
    } satisfies Principal;
    if (key.touchDue) touchApiKey(prisma, key.id, LAST_USED_RESOLUTION_MS).catch((err: unknown) => logger.warn({ err }, 'cannot record API key use'));
    next();
  };
}

/** 403 `forbidden` unless the caller (see {@link authenticate}) has at least `required`. */
export function requireRole(res: Response, required: Role, message = `this route needs the ${required} role`): void {
  if (!hasRole(principal(res).role, required)) throw new ApiError('forbidden', message);
}

/**
 * Enforces the route table (`ROUTE_ROLES` in roles.ts): 403 `forbidden` when the caller's role is
 * below the route's; a request no route of the table matches needs `admin`. Mount after
 * {@link authenticate}, before any route.
 */
export function authorize(routes: readonly RouteRole[]) {
  const roleOf = compileRouteRoles(routes);
  return (req: Request, res: Response, next: NextFunction): void => {
    requireRole(res, roleOf(req.method, req.path));
    next();
  };
}

/** Parses `value` with `schema`; 400 `validation_failed` naming the first bad field. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.join('.') ?? '';
    throw new ApiError('validation_failed', `${field ? `${field}: ` : ''}${issue?.message ?? 'invalid request'}`);
  }
  return result.data;
}

/** 404 JSON for paths no route matched. */
export function notFound(_req: Request, _res: Response, next: NextFunction): void {
  next(new ApiError('not_found', 'no such route'));
}

/** Answers `{"error":{"code","message"}}`; unknown failures become 500 with the cause logged, never sent. */
export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    let error: ApiError;
    const type = (err as { type?: unknown } | null)?.type;
    if (err instanceof ApiError) error = err;
    else if (type === 'entity.parse.failed') error = new ApiError('invalid_json', 'request body is not valid JSON');
    else if (type === 'entity.too.large') error = new ApiError('payload_too_large', 'request body is too large');
    else if (type === 'encoding.unsupported' || type === 'charset.unsupported') error = new ApiError('validation_failed', 'unsupported request encoding');
    else {
      logger.error({ err, method: req.method, path: req.path }, 'request failed');
      error = new ApiError('internal', 'internal server error');
    }
    if (res.headersSent) return;
    res.status(error.status).json({ error: { code: error.code, message: error.message } });
  };
}
