import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { hashApiKey } from '../crypto/api-keys.ts';
import type { Db } from '../db/prisma.ts';
import { ApiError } from '../errors.ts';

/** The caller, resolved from its API key. */
export interface Principal {
  userId: string;
  organizationId: string;
  apiKeyId: string;
}

/** Refresh `last_used_at` at most this often per key, in milliseconds. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** The principal set by {@link authenticate}. */
export function principal(res: Response): Principal {
  return res.locals['principal'] as Principal;
}

/** `Authorization: Bearer <api key>` on every route; 401 `unauthorized` otherwise. */
export function authenticate(prisma: Db, logger: Logger) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new ApiError('unauthorized', 'missing or malformed Authorization header');
    const key = await prisma.apiKey.findUnique({ where: { hash: hashApiKey(match[1]!) } });
    if (!key || key.revokedAt !== null) throw new ApiError('unauthorized', 'invalid API key');
    res.locals['principal'] = { userId: key.userId, organizationId: key.organizationId, apiKeyId: key.id } satisfies Principal;
    const now = Date.now();
    if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      prisma.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date(now) } }).catch((err: unknown) => logger.warn({ err }, 'cannot record API key use'));
    }
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
