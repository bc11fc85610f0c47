import express, { Router } from 'express';
import type { ControlPlaneContext } from '../context.ts';
import { agentRoutes } from './agents.ts';
import { authenticate, errorHandler, notFound, principal } from './middleware.ts';
import { quotaRoutes } from './quota.ts';
import { runEventRoutes } from './run-events.ts';
import { runRoutes } from './runs.ts';
import { telephonyRoutes } from './telephony.ts';

/** Largest accepted JSON body. */
export const MAX_JSON_BODY = '64kb';

/** The admin REST API, to mount at `/api/v1`. Every route needs `Authorization: Bearer <api key>`. */
export function createApiRouter(ctx: ControlPlaneContext): Router {
  const router = Router();
  router.use(authenticate(ctx.prisma, ctx.logger));
  router.use(express.json({ limit: MAX_JSON_BODY }));
  router.get('/me', (_req, res) => {
    const me = principal(res);
    res.json({ user_id: me.userId, organization_id: me.organizationId });
  });
  router.use(agentRoutes(ctx));
  router.use(telephonyRoutes(ctx));
  router.use(runRoutes(ctx));
  router.use(runEventRoutes(ctx));
  router.use(quotaRoutes(ctx));
  router.use(notFound);
  router.use(errorHandler(ctx.logger));
  return router;
}
