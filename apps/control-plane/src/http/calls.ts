/**
 * `POST /agents/{uuid}/calls`: places an outbound call (`calls/outbound-call.ts` mints its run and
 * queues the provider's dial).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { ControlPlaneContext } from '../context.ts';
import { MAX_CALL_DURATION_S, placeOutboundCall } from '../calls/outbound-call.ts';
import { principal, validate } from './middleware.ts';
import { runView } from './views.ts';

const PlaceCallBody = z.strictObject({
  telephony_configuration_id: z.string().min(1).max(64),
  to: z.string().max(64),
  from: z.string().max(64).optional(),
  initial_context: z.record(z.string(), z.unknown()).optional(),
  max_duration_s: z.number().int().min(1).max(MAX_CALL_DURATION_S).optional(),
});

/** The outbound-call routes. */
export function callRoutes(ctx: ControlPlaneContext): Router {
  const router = Router();

  router.post('/agents/:uuid/calls', async (req, res) => {
    const body = validate(PlaceCallBody, req.body);
    const run = await placeOutboundCall(ctx, principal(res).organizationId, {
      agentUuid: req.params.uuid,
      telephonyConfigurationId: body.telephony_configuration_id,
      to: body.to,
      from: body.from,
      initialContext: body.initial_context,
      maxDurationS: body.max_duration_s,
    });
    res.status(201).json(runView(run));
  });

  return router;
}

/** The request schema, for the OpenAPI document. */
export { PlaceCallBody };
