import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { hashApiKey } from '../crypto/api-keys.ts';
import { findActiveApiKey, touchApiKey } from '../db/api-keys.ts';
import type { Db } from '../db/prisma.ts';
import { ApiError } from '../errors.ts';
import { compileRouteRoles, hasRole, lowerRole, type Role, type RouteRole } from './roles.ts';

/** The caller, resolved from its API key. */
export interface Principal {
  userId: string;
  organizationId: string;
  apiKeyId: string;
  /** What the caller may do: the lower of the key's role and its user's role. */
  role: Role;
}

/** Refresh `last_used_at` at most this often per key, in milliseconds. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** The principal set by {@link authenticate}. */
export function principal(res: Response): Principal {
  return res.locals['principal'] as Principal;
}

/**
 * `Authorization: Bearer <api key>` on every route; 401 `unauthorized` otherwise (unknown, revoked
 * and expired keys alike). The key is looked up in the database on every request (one indexed read,
 * no cache): a revocation or an expiry holds at once on every replica. `last_used_at` is written at
 * most once per {@link LAST_USED_RESOLUTION_MS} per key, off the request path.
 */
export function authenticate(prisma: Db, logger: Logger) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new ApiError('unauthorized', 'missing or malformed Authorization header');
    const key = await findActiveApiKey(prisma, hashApiKey(match[1]!), LAST_USED_RESOLUTION_MS);
    if (!key) throw new ApiError('unauthorized', 'invalid API key');
    res.locals['principal'] = { userId: key.userId, organizationId: key.organizationId, apiKeyId: key.id, role: lowerRole(key.role, key.userRole) } satisfies Principal;
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
