/**
 * Placing an outbound call, shared by `POST /agents/{uuid}/calls` and anything else that dials
 * (campaigns). The run is minted `initialized` (`call_type=outbound`) and takes its user's quota
 * slot at once, exactly as an inbound stream's admission does (the slot is held while the call
 * rings); it is bound to a single-use, expiring stream token and a callback secret (hashes only
 * stored), and a durable job asks the provider to dial (`jobs/place-call.ts`). The answered call's
 * stream presents the token and attaches to the run.
 */
import { getProvider } from '@vr3/providers';
import type { ControlPlaneContext } from '../context.ts';
import type { Prisma, TelephonyConfiguration, WorkflowRun } from '../generated/prisma/client.ts';
import { admitRun } from '../db/admission.ts';
import { findStreamAgent, type StreamAgent } from '../db/stream-agent.ts';
import { bindOutboundRun, generateRunToken, hashRunToken } from '../db/stream-tokens.ts';
import { ApiError } from '../errors.ts';
import { enqueuePlaceCall } from '../jobs/place-call.ts';
import { announceRun } from '../live/feed.ts';

/** E.164: `+`, a country code that does not start with 0, at most 15 digits in all. */
const E164 = /^\+[1-9]\d{1,14}$/;
/** Longest duration a call may be given, in seconds (4 hours). */
export const MAX_CALL_DURATION_S = 14_400;

/** Throws 422 `invalid_phone_number` naming `field` (never the value) unless `value` is E.164. */
export function requireE164(field: string, value: string): string {
  if (!E164.test(value)) throw new ApiError('invalid_phone_number', `${field}: must be an E.164 number (+ then 2 to 15 digits, no spaces or punctuation)`);
  return value;
}

/** The agent and telephony configuration a run-bound stream (placed call or attach) is made for. */
export interface BoundRunTarget {
  agent: StreamAgent;
  configuration: TelephonyConfiguration;
}

/**
 * Resolves agent `agentUuid` and telephony configuration `telephonyConfigurationId` of
 * `organizationId` for a run-bound stream, with the API's errors: unknown or archived agent, no
 * version to run, unknown configuration, `supports` refusing it (what the provider cannot do), no
 * credentials, no public URL to give the provider.
 */
export async function resolveBoundRunTarget(
  ctx: ControlPlaneContext,
  organizationId: string,
  ids: { agentUuid: string; telephonyConfigurationId: string },
  supports: (configuration: TelephonyConfiguration) => void,
): Promise<BoundRunTarget> {
  const { agentUuid, telephonyConfigurationId } = ids;
  const uuid = agentUuid.toLowerCase();
  const owned = await ctx.prisma.agent.findFirst({ where: { organizationId, uuid }, select: { archivedAt: true } });
  if (!owned) throw new ApiError('agent_not_found', 'agent not found');
  if (owned.archivedAt) throw new ApiError('agent_archived', 'agent is archived');
  const agent = await findStreamAgent(ctx.pool, uuid);
  if (!agent) throw new ApiError('no_draft_version', 'agent has no version to run');

  const configuration = await ctx.prisma.telephonyConfiguration.findFirst({ where: { id: telephonyConfigurationId, organizationId } });
  if (!configuration) throw new ApiError('telephony_configuration_not_found', 'telephony configuration not found');
  supports(configuration);
  if (!configuration.credentialsCiphertext) throw new ApiError('credentials_required', 'telephony configuration has no credentials to use with the provider');
  if (ctx.config.publicUrl === null) throw new ApiError('public_url_unknown', 'the public URL of the product is not configured (VR3_PUBLIC_URL)');
  return { agent, configuration };
}

/** A minted run bound to a stream token and callback secret (both in clear, for the URLs given to the provider). */
export interface BoundRun {
  run: WorkflowRun;
  streamToken: string;
  callbackSecret: string;
}

/** What a run-bound stream's run is minted with. */
export interface BoundRunInput {
  organizationId: string;
  target: BoundRunTarget;
  initialContext: Prisma.InputJsonObject;
  logs: Prisma.InputJsonObject;
  dialStatus: string;
  /** `outbound` (default) or `inbound` (a stream attached to a call that already exists). */
  callType?: 'outbound' | 'inbound' | undefined;
  /** The provider's id of the call, when already known (attach). */
  providerCallId?: string | undefined;
}

/**
 * Mints a run-bound run for `input.target` (quota taken as at admission: 429 `quota_exceeded` when
 * none is left) and binds it to a fresh stream token and callback secret.
 */
export async function mintBoundRun(ctx: ControlPlaneContext, input: BoundRunInput): Promise<BoundRun> {
  const { agent, configuration } = input.target;
  const admitted = await admitRun(ctx.prisma, {
    organizationId: input.organizationId,
    userId: agent.userId,
    agentId: agent.id,
    agentUuid: agent.uuid,
    agentVersionId: agent.version.id,
    provider: configuration.provider,
    telephonyConfigurationId: configuration.id,
    edgeId: null,
    callType: input.callType ?? 'outbound',
    initialContext: input.initialContext,
    gatheredContext: {},
    logs: input.logs,
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
    dialStatus: input.dialStatus,
    callType: input.callType,
    providerCallId: input.providerCallId,
  });
  const run = await ctx.prisma.workflowRun.findUniqueOrThrow({ where: { id: admitted.run.id } });
  announceRun(ctx, run.id, 'started');
  return { run, streamToken, callbackSecret };
}

/** An outbound call to place. */
export interface OutboundCallRequest {
  agentUuid: string;
  telephonyConfigurationId: string;
  /** E.164 number to dial (checked here). */
  to: string;
  /** E.164 caller id (checked here); some providers require it. */
  from?: string | undefined;
  initialContext?: Record<string, unknown> | undefined;
  maxDurationS?: number | undefined;
  /** Extra fields kept under the run's `logs.outbound` (e.g. the campaign it belongs to). */
  outboundLog?: Record<string, unknown> | undefined;
}

/**
 * Places outbound call `request` for `organizationId`: validates it, mints its run (quota taken),
 * and queues the durable placement job. Returns the run (`initialized`, dial status `queued`).
 */
export async function placeOutboundCall(ctx: ControlPlaneContext, organizationId: string, request: OutboundCallRequest): Promise<WorkflowRun> {
  const to = requireE164('to', request.to);
  const from = request.from === undefined ? undefined : requireE164('from', request.from);
  const target = await resolveBoundRunTarget(ctx, organizationId, request, (configuration) => {
    const placeCall = getProvider(configuration.provider)?.placeCall;
    if (!placeCall) throw new ApiError('outbound_not_supported', `${configuration.provider}: placing calls is not supported for this provider`);
    if (placeCall.requiresFrom && from === undefined) throw new ApiError('from_required', `from: ${configuration.provider} needs a caller id to place a call`);
  });
  const { configuration, agent } = target;

  const bound = await mintBoundRun(ctx, {
    organizationId,
    target,
    initialContext: { ...(request.initialContext ?? {}), caller_number: from ?? null, called_number: to } as Prisma.InputJsonObject,
    logs: { outbound: { ...(request.outboundLog ?? {}), max_duration_s: request.maxDurationS ?? null } } as Prisma.InputJsonObject,
    dialStatus: 'queued',
  });
  await enqueuePlaceCall(ctx, bound.run.id, bound.streamToken, bound.callbackSecret);
  ctx.logger.info({ run_id: bound.run.id, agent_id: agent.id, telephony_configuration_id: configuration.id, provider: configuration.provider }, 'outbound call queued');
  return bound.run;
}
