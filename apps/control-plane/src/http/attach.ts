/**
 * `POST /agents/{uuid}/attach`: attaches the agent to a call that is already live (Vobiz, Plivo:
 * the provider opens a stream on it to a run-bound stream URL; `calls/attach-stream.ts`), and
 * `DELETE /runs/{id}/stream`: stops that stream through the provider.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { ControlPlaneContext } from '../context.ts';
import { attachToLiveCall, stopAttachedStream } from '../calls/attach-stream.ts';
import { principal, validate } from './middleware.ts';
import { runView } from './views.ts';

const AttachBody = z.strictObject({
  telephony_configuration_id: z.string().min(1).max(64),
  call_id: z.string().min(1).max(128),
  bidirectional: z.boolean().optional(),
  audio_track: z.enum(['inbound', 'outbound', 'both']).optional(),
  content_type: z.string().min(1).max(64).optional(),
  initial_context: z.record(z.string(), z.unknown()).optional(),
});

/** The attach routes. */
export function attachRoutes(ctx: ControlPlaneContext): Router {
  const router = Router();

  router.post('/agents/:uuid/attach', async (req, res) => {
    const body = validate(AttachBody, req.body);
    const run = await attachToLiveCall(ctx, principal(res).organizationId, {
      agentUuid: req.params.uuid,
      telephonyConfigurationId: body.telephony_configuration_id,
      callId: body.call_id,
      bidirectional: body.bidirectional,
      audioTrack: body.audio_track,
      contentType: body.content_type,
      initialContext: body.initial_context,
    });
    res.status(201).json(runView(run));
  });

  router.delete('/runs/:id/stream', async (req, res) => {
    await stopAttachedStream(ctx, principal(res).organizationId, req.params.id);
    res.status(204).end();
  });

  return router;
}

/** The request schema, for the OpenAPI document. */
export { AttachBody };
