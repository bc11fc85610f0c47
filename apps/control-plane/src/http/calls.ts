/**
 * `POST /agents/{uuid}/calls`: places an outbound call. The run is minted `initialized`
 * (`call_type=outbound`) and takes its user's quota slot at once, exactly as an inbound stream's
 * admission does (the slot is held while the call rings); it is bound to a single-use, expiring
 * stream token and a callback secret (hashes only stored), and a durable job asks the provider to
 * dial (`jobs/place-call.ts`). The answered call's stream presents the token and attaches to the run.
 */
import { getProvider } from '@vr3/providers';
import { Router } from 'express';
import { z } from 'zod';
import type { ControlPlaneContext } from '../context.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { admitRun } from '../db/admission.ts';
import { findStreamAgent } from '../db/stream-agent.ts';
import { bindOutboundRun, generateRunToken, hashRunToken } from '../db/stream-tokens.ts';
import { ApiError } from '../errors.ts';
import { enqueuePlaceCall } from '../jobs/place-call.ts';
import { principal, validate } from './middleware.ts';
import { runView } from './views.ts';

/** E.164: `+`, a country code that does not start with 0, at most 15 digits in all. */
const E164 = /^\+[1-9]\d{1,14}$/;
/** Longest duration a call may be given, in seconds (4 hours). */
export const MAX_CALL_DURATION_S = 14_400;

const PlaceCallBody = z.strictObject({
  telephony_configuration_id: z.string().min(1).max(64),
  to: z.string().max(64),
  from: z.string().max(64).optional(),
  initial_context: z.record(z.string(), z.unknown()).optional(),
  max_duration_s: z.number().int().min(1).max(MAX_CALL_DURATION_S).optional(),
});

/** Throws 422 `invalid_phone_number` naming `field` (never the value) unless `value` is E.164. */
export function requireE164(field: string, value: string): string {
  if (!E164.test(value)) throw new ApiError('invalid_phone_number', `${field}: must be an E.164 number (+ then 2 to 15 digits, no spaces or punctuation)`);
  return value;
}

/** The outbound-call routes. */
export function callRoutes(ctx: ControlPlaneContext): Router {
  const router = Router();

  router.post('/agents/:uuid/calls', async (req, res) => {
    const body = validate(PlaceCallBody, req.body);
    const to = requireE164('to', body.to);
    const from = body.from === undefined ? undefined : requireE164('from', body.from);
    const { organizationId } = principal(res);

    const uuid = req.params.uuid.toLowerCase();
    const owned = await ctx.prisma.agent.findFirst({ where: { organizationId, uuid }, select: { archivedAt: true } });
    if (!owned) throw new ApiError('agent_not_found', 'agent not found');
    if (owned.archivedAt) throw new ApiError('agent_archived', 'agent is archived');
    const agent = await findStreamAgent(ctx.pool, uuid);
    if (!agent) throw new ApiError('no_draft_version', 'agent has no version to run');

    const configuration = await ctx.prisma.telephonyConfiguration.findFirst({ where: { id: body.telephony_configuration_id, organizationId } });
    if (!configuration) throw new ApiError('telephony_configuration_not_found', 'telephony configuration not found');
    const placeCall = getProvider(configuration.provider)?.placeCall;
    if (!placeCall) throw new ApiError('outbound_not_supported', `${configuration.provider}: placing calls is not supported for this provider`);
    if (!configuration.credentialsCiphertext) throw new ApiError('credentials_required', 'telephony configuration has no credentials to place calls with');
    if (placeCall.requiresFrom && from === undefined) throw new ApiError('from_required', `from: ${configuration.provider} needs a caller id to place a call`);
    if (ctx.config.publicUrl === null) throw new ApiError('public_url_unknown', 'the public URL of the product is not configured (VR3_PUBLIC_URL)');

    const admitted = await admitRun(ctx.prisma, {
      organizationId,
      userId: agent.userId,
      agentId: agent.id,
      agentUuid: agent.uuid,
      agentVersionId: agent.version.id,
      provider: configuration.provider,
      telephonyConfigurationId: configuration.id,
      edgeId: null,
      callType: 'outbound',
      initialContext: { ...(body.initial_context ?? {}), caller_number: from ?? null, called_number: to } as Prisma.InputJsonObject,
      gatheredContext: {},
      logs: { outbound: { max_duration_s: body.max_duration_s ?? null } },
    });
    if (!admitted.ok) {
      const what = admitted.reason === 'concurrent_calls' ? 'concurrent calls' : 'monthly call seconds';
      throw new ApiError('quota_exceeded', `quota exceeded: ${what} (limit ${admitted.limit}, used ${admitted.used})`);
    }
    const streamToken = generateRunToken();
    const callbackSecret = generateRunToken();
    await bindOutboundRun(ctx.pool, admitted.run.id, {
      streamTokenHash: hashRunToken(streamToken),
      streamTokenExpiresAt: new Date(Date.now() + ctx.config.outboundStreamTokenTtlMs),
      callbackSecretHash: hashRunToken(callbackSecret),
      dialStatus: 'queued',
    });
    await enqueuePlaceCall(ctx, admitted.run.id, streamToken, callbackSecret);
    const run = await ctx.prisma.workflowRun.findUniqueOrThrow({ where: { id: admitted.run.id } });
    ctx.logger.info({ run_id: run.id, agent_id: agent.id, telephony_configuration_id: configuration.id, provider: configuration.provider }, 'outbound call queued');
    res.status(201).json(runView(run));
  });

  return router;
}
