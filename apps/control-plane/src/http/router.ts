import express, { Router } from 'express';
import type { ControlPlaneContext } from '../context.ts';
import { agentRoutes } from './agents.ts';
import { apiKeyRoutes } from './api-keys.ts';
import { authenticate, authorize, errorHandler, notFound, principal } from './middleware.ts';
import { quotaRoutes } from './quota.ts';
import { ROUTE_ROLES } from './roles.ts';
import { runEventRoutes } from './run-events.ts';
import { runRoutes } from './runs.ts';
import { serviceCredentialRoutes } from './service-credentials.ts';
import { telephonyRoutes } from './telephony.ts';
import { textGuard } from './text-guard.ts';

/** Largest accepted JSON body. */
export const MAX_JSON_BODY = '64kb';

/**
 * The admin REST API, to mount at `/api/v1`. Every route needs `Authorization: Bearer <api key>` and
 * the role `ROUTE_ROLES` (roles.ts) gives it; a route added here must be added there.
 */
export function createApiRouter(ctx: ControlPlaneContext): Router {
  const router = Router();
  router.use(authenticate(ctx.prisma, ctx.logger));
  router.use(authorize(ROUTE_ROLES));
  router.use(express.json({ limit: MAX_JSON_BODY }));
  router.use(textGuard);
  router.get('/me', (_req, res) => {
    const me = principal(res);
    res.json({ user_id: me.userId, organization_id: me.organizationId, role: me.role, api_key_id: me.apiKeyId });
  });
  router.use(agentRoutes(ctx));
  router.use(telephonyRoutes(ctx));
  router.use(serviceCredentialRoutes(ctx));
  router.use(runRoutes(ctx));
  router.use(runEventRoutes(ctx));
  router.use(quotaRoutes(ctx));
  router.use(apiKeyRoutes(ctx));
  router.use(notFound);
  router.use(errorHandler(ctx.logger));
  return router;
}
