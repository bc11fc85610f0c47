import express, { Router } from 'express';
import { SignInLimiter } from '../auth/sign-in-limiter.ts';
import type { ControlPlaneContext } from '../context.ts';
import { agentRoutes } from './agents.ts';
import { answerRoutes } from './answer.ts';
import { attachRoutes } from './attach.ts';
import { apiKeyRoutes } from './api-keys.ts';
import { authRoutes, publicAuthRoutes } from './auth.ts';
import { callbackRoutes } from './callbacks.ts';
import { campaignRoutes } from './campaigns.ts';
import { callRoutes } from './calls.ts';
import { liveCallRoutes } from './live-calls.ts';
import { authenticate, authorize, errorHandler, notFound } from './middleware.ts';
import { quotaRoutes } from './quota.ts';
import { recordingRoutes } from './recordings.ts';
import { ROUTE_ROLES } from './roles.ts';
import { runEventRoutes } from './run-events.ts';
import { runRoutes } from './runs.ts';
import { serviceCredentialRoutes } from './service-credentials.ts';
import { statsRoutes } from './stats.ts';
import { telephonyRoutes } from './telephony.ts';
import { openApiRoutes } from './openapi/route.ts';
import { textGuard } from './text-guard.ts';
import { userRoutes } from './users.ts';
import { webhookDeliveryRoutes } from './webhook-deliveries.ts';

/** Largest accepted JSON body. */
export const MAX_JSON_BODY = '64kb';

/**
 * The admin REST API, to mount at `/api/v1`. Every route needs `Authorization: Bearer <api key>` or
 * a signed-in person's session cookie, and the role `ROUTE_ROLES` (roles.ts) gives it; a route added
 * here must be added there, and to the OpenAPI operation table (openapi/operations.ts). The
 * exceptions, `PUBLIC_ROUTES` (roles.ts), come first: the API's OpenAPI document, the answer URLs
 * providers fetch, authorized by the agent UUID, an outbound call's answer URL and status callbacks,
 * authorized by its stream token and callback secret, then sign-in and invitation acceptance.
 */
export function createApiRouter(ctx: ControlPlaneContext): Router {
  const router = Router();
  router.use(openApiRoutes(ctx));
  router.use(answerRoutes(ctx));
  router.use(callbackRoutes(ctx));
  const signInLimiter = new SignInLimiter();
  router.use(publicAuthRoutes(ctx, signInLimiter));
  router.use(authenticate(ctx));
  router.use(authorize(ROUTE_ROLES));
  router.use(express.json({ limit: MAX_JSON_BODY }));
  router.use(textGuard);
  router.use(authRoutes(ctx, signInLimiter));
  router.use(agentRoutes(ctx));
  router.use(callRoutes(ctx));
  router.use(attachRoutes(ctx));
  router.use(campaignRoutes(ctx));
  router.use(telephonyRoutes(ctx));
  router.use(serviceCredentialRoutes(ctx));
  router.use(runRoutes(ctx));
  router.use(runEventRoutes(ctx));
  router.use(recordingRoutes(ctx));
  router.use(webhookDeliveryRoutes(ctx));
  router.use(liveCallRoutes(ctx));
  router.use(statsRoutes(ctx));
  router.use(quotaRoutes(ctx));
  router.use(apiKeyRoutes(ctx));
  router.use(userRoutes(ctx));
  router.use(notFound);
  router.use(errorHandler(ctx.logger));
  return router;
}
