/**
 * Attaching an agent to a call that already exists (`POST /agents/{uuid}/attach`): the provider is
 * asked to open a stream on the live call (Vobiz, Plivo `POST …/Call/{call_uuid}/Stream/`) to a
 * run-bound stream URL, so the agent joins the call mid-way. The run is minted like a placed
 * call's (quota taken at once, single-use stream token, callback secret) but with `call_type =
 * inbound` — the call was not placed by VR3 — and the provider's call id known from the start; a
 * durable job makes the request (`jobs/attach-stream.ts`). `DELETE /runs/{id}/stream` stops the
 * stream through the provider; the call itself goes on.
 */
import { getProvider, type AttachStream } from '@vr3/providers';
import { RunState } from '@vr3/protocol';
import type { ControlPlaneContext } from '../context.ts';
import type { Prisma, WorkflowRun } from '../generated/prisma/client.ts';
import { appendRunLog } from '../db/runs.ts';
import { execute, sql } from '../db/sql.ts';
import { ApiError } from '../errors.ts';
import { enqueueAttachStream } from '../jobs/attach-stream.ts';
import { configuredClientOptions } from '../providers/run-target.ts';
import { mintBoundRun, resolveBoundRunTarget } from './outbound-call.ts';
import { providerFailureOf } from './bound-run-job.ts';
import { ATTACH_DIAL_STATUS, attachLogOf, type AttachLog } from './attach-log.ts';

/** A stream to attach to a live call. */
export interface AttachRequest {
  agentUuid: string;
  telephonyConfigurationId: string;
  /** The provider's id of the live call (Vobiz/Plivo `CallUUID`). */
  callId: string;
  /** Whether the agent may speak into the call. Default true. */
  bidirectional?: boolean | undefined;
  /** Which side of the call the agent hears (`inbound`, `outbound`, `both`); bidirectional needs `inbound`. Default `inbound`. */
  audioTrack?: string | undefined;
  /** The stream's audio, one the provider streams; default: the agent's rate. */
  contentType?: string | undefined;
  initialContext?: Record<string, unknown> | undefined;
}

function supportedAttach(provider: string): AttachStream {
  const attach = getProvider(provider)?.attachStream;
  if (!attach) throw new ApiError('attach_not_supported', `${provider}: attaching to a live call is not supported for this provider`);
  return attach;
}

/**
 * Attaches agent `request.agentUuid` to live call `request.callId` for `organizationId`: validates
 * the request, mints the run (quota taken) and queues the provider request. Returns the run
 * (`initialized`, dial status `attaching`).
 */
export async function attachToLiveCall(ctx: ControlPlaneContext, organizationId: string, request: AttachRequest): Promise<WorkflowRun> {
  const bidirectional = request.bidirectional ?? true;
  const audioTrack = request.audioTrack ?? 'inbound';
  if (bidirectional && audioTrack !== 'inbound') throw new ApiError('validation_failed', 'audio_track: a bidirectional stream carries the inbound track only');
  const target = await resolveBoundRunTarget(ctx, organizationId, request, (configuration) => {
    const attach = supportedAttach(configuration.provider);
    if (request.contentType !== undefined && !attach.contentTypes.includes(request.contentType)) {
      throw new ApiError('validation_failed', `content_type: ${configuration.provider} streams ${attach.contentTypes.join(', ')}`);
    }
  });
  const log: AttachLog = { call_id: request.callId, bidirectional, audio_track: audioTrack, content_type: request.contentType ?? null, stream_id: null };
  const bound = await mintBoundRun(ctx, {
    organizationId,
    target,
    initialContext: { ...(request.initialContext ?? {}) } as Prisma.InputJsonObject,
    logs: { attach: log } as unknown as Prisma.InputJsonObject,
    dialStatus: ATTACH_DIAL_STATUS.queued,
    callType: 'inbound',
    providerCallId: request.callId,
  });
  await enqueueAttachStream(ctx, bound.run.id, bound.streamToken, bound.callbackSecret);
  ctx.logger.info({ run_id: bound.run.id, agent_id: target.agent.id, telephony_configuration_id: target.configuration.id, provider: target.configuration.provider }, 'stream attach queued');
  return bound.run;
}

/**
 * Stops the stream attached to run `runId` of `organizationId` through the provider: 404
 * `run_not_found`, 409 `no_live_stream` when the run has no stream open (never attached, not yet
 * opened, stopped, or ended), 502 `provider_request_failed` when the provider refuses. The stream
 * closing ends the run as a provider hang-up does.
 */
export async function stopAttachedStream(ctx: ControlPlaneContext, organizationId: string, runId: string): Promise<void> {
  const run = await ctx.prisma.workflowRun.findFirst({ where: { id: runId, organizationId }, include: { telephonyConfiguration: true } });
  if (!run) throw new ApiError('run_not_found', 'run not found');
  const attach = attachLogOf(run.logs);
  const live = run.state === RunState.Initialized || run.state === RunState.Running;
  const stopStream = getProvider(run.mode)?.stopStream;
  if (!attach?.stream_id || attach.stopped_at || !live || !stopStream || !run.telephonyConfiguration) {
    throw new ApiError('no_live_stream', 'the run has no live stream to stop');
  }
  const at = new Date().toISOString();
  try {
    await stopStream(configuredClientOptions(ctx, run.telephonyConfiguration), { callId: attach.call_id, streamId: attach.stream_id });
  } catch (err) {
    const { code, status } = providerFailureOf(err);
    await appendRunLog(ctx.prisma, run.id, 'provider_actions', { action: 'detach', source: 'api', outcome: 'failed', attempts: 1, error_code: code, ...(status === undefined ? {} : { status }), at });
    ctx.logger.warn({ run_id: run.id, provider: run.mode, err_code: code, status }, 'provider refused to stop the stream');
    throw new ApiError('provider_request_failed', `the provider could not stop the stream: ${code}`, { cause: err });
  }
  await execute(
    ctx.pool,
    sql`UPDATE "workflow_runs" SET "dial_status" = ${ATTACH_DIAL_STATUS.stopped},
      "logs" = jsonb_set("logs", '{attach,stopped_at}', to_jsonb(${at}::text))
    WHERE "id" = ${run.id}`,
  );
  await appendRunLog(ctx.prisma, run.id, 'provider_actions', { action: 'detach', source: 'api', outcome: 'succeeded', attempts: 1, at });
  ctx.logger.info({ run_id: run.id, provider: run.mode }, 'attached stream stopped');
}
