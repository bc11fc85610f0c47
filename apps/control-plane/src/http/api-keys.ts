import { Router } from 'express';
import { z } from 'zod';
import type { ControlPlaneContext } from '../context.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../db/api-keys.ts';
import { ApiError } from '../errors.ts';
import type { ApiKey } from '../generated/prisma/client.ts';
import { principal, requireRole, validate } from './middleware.ts';
import { Role } from './roles.ts';

const CreateApiKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  role: z.enum([Role.admin, Role.member]),
  /** ISO 8601 with a zone; in the future. Absent or null: the key never expires. */
  expires_at: z.iso
    .datetime({ offset: true })
    .nullable()
    .optional()
    .refine((v) => v === null || v === undefined || Date.parse(v) > Date.now(), { message: 'must be in the future' }),
});

/** A key as listed: never its clear text or hash (`prefix` is the first 12 characters, to recognise it). */
function apiKeyView(row: ApiKey) {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    user_id: row.userId,
    created_at: row.createdAt.toISOString(),
    expires_at: row.expiresAt?.toISOString() ?? null,
    last_used_at: row.lastUsedAt?.toISOString() ?? null,
    revoked: row.revokedAt !== null,
    revoked_at: row.revokedAt?.toISOString() ?? null,
  };
}

/**
 * API keys of the caller's organization: `POST /api-keys` (a key for the caller's user with a role up
 * to the caller's; the key is in this response only), `GET /api-keys`, `DELETE /api-keys/{id}`
 * (revokes at once, on every replica: keys are checked in the database on each request). Keys of
 * other organizations are 404.
 */
export function apiKeyRoutes(ctx: ControlPlaneContext): Router {
  const router = Router();

  router.post('/api-keys', async (req, res) => {
    const body = validate(CreateApiKeyBody, req.body);
    const me = principal(res);
    // The route table lets only admins here today; this keeps a key from ever outranking its maker.
    requireRole(res, body.role, `cannot grant the ${body.role} role: above the caller's`);
    const created = await createApiKey(ctx.prisma, {
      organizationId: me.organizationId,
      userId: me.userId,
      name: body.name,
      role: body.role,
      expiresAt: body.expires_at ? new Date(body.expires_at) : null,
    });
    ctx.logger.info({ api_key_id: created.row.id, role: created.row.role, by_api_key_id: me.apiKeyId }, 'API key created');
    res.status(201).json({ ...apiKeyView(created.row), key: created.key });
  });

  router.get('/api-keys', async (_req, res) => {
    res.json({ data: (await listApiKeys(ctx.prisma, principal(res).organizationId)).map(apiKeyView) });
  });

  router.delete('/api-keys/:id', async (req, res) => {
    const me = principal(res);
    const row = await revokeApiKey(ctx.prisma, me.organizationId, req.params.id);
    if (!row) throw new ApiError('api_key_not_found', 'API key not found');
    ctx.logger.info({ api_key_id: row.id, by_api_key_id: me.apiKeyId }, 'API key revoked');
    res.status(204).end();
  });

  return router;
}

/** The request schema, for the OpenAPI document. */
export { CreateApiKeyBody };
