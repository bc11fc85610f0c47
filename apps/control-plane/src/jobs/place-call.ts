/**
 * The durable job that asks the provider to place an outbound call (`POST /agents/{uuid}/calls`
 * queues it). Transient failures (no answer, 5xx, 429) are retried with backoff; anything else — a
 * refusal, a timeout (the provider may have placed the call: it is not placed twice), a
 * configuration that cannot be used — ends the run `failed`/`provider_failed`, which gives its
 * quota slot back. The job data carries the stream token and callback secret in clear (they go
 * into the URLs given to the provider); only their hashes are on the run.
 */
import { RunState } from '@vr3/protocol';
import { getProvider } from '@vr3/providers';
import { z } from 'zod';
import type { ControlPlaneContext } from '../context.ts';
import { failBoundRun, logActionSucceeded, providerFailureOf, RETRYABLE_PROVIDER_CODES } from '../calls/bound-run-job.ts';
import { execute, sql } from '../db/sql.ts';
import { findStreamAgent } from '../db/stream-agent.ts';
import { agentSampleRate } from '../http/agent-audio.ts';
import { runUrls } from '../http/run-urls.ts';
import { announceRun } from '../live/feed.ts';
import { configuredClientOptions } from '../providers/run-target.ts';

/** Job name of placing an outbound call. */
export const PLACE_CALL_JOB = 'call.place';

const PlaceCallData = z.object({ run_id: z.string(), stream_token: z.string(), callback_secret: z.string() });

/** Queues placing the call of outbound run `runId` (one job per run). */
export function enqueuePlaceCall(ctx: ControlPlaneContext, runId: string, streamToken: string, callbackSecret: string): Promise<boolean> {
  return ctx.jobs.enqueue(PLACE_CALL_JOB, { run_id: runId, stream_token: streamToken, callback_secret: callbackSecret }, {
    jobId: `${PLACE_CALL_JOB}:${runId}`,
    attempts: ctx.config.providerActionAttempts,
    backoffMs: ctx.config.providerActionBackoffMs,
  });
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** Registers the placement job's handler. */
export function registerPlaceCallJobs(ctx: ControlPlaneContext): void {
  ctx.jobs.process(PLACE_CALL_JOB, async (raw, job) => {
    const data = PlaceCallData.parse(raw);
    const log = ctx.logger.child({ run_id: data.run_id, job_id: job.id, action: 'place' });
    const run = await ctx.prisma.workflowRun.findUnique({ where: { id: data.run_id }, include: { telephonyConfiguration: true } });
    if (!run || run.state !== RunState.Initialized) {
      log.info({ state: run?.state ?? null }, 'outbound call not placed: its run is no longer waiting');
      return;
    }
    const action = { action: 'place', attempts: job.attempt } as const;
    const placeCall = getProvider(run.mode)?.placeCall;
    const configuration = run.telephonyConfiguration;
    const publicUrl = ctx.config.publicUrl;
    const initial = (run.initialContext ?? {}) as Record<string, unknown>;
    const to = text(initial['called_number']);
    if (!placeCall || !configuration || publicUrl === null || to === undefined) {
      log.error({ provider: run.mode, configuration: configuration !== null, public_url: publicUrl !== null }, 'outbound call cannot be placed');
      return failBoundRun(ctx, run.id, action, 'placement_unavailable', undefined, 'outbound call cannot be placed: provider, configuration or public URL unavailable');
    }
    try {
      const urls = runUrls(publicUrl, { id: run.id, provider: run.mode, agentUuid: run.agentUuid }, data.stream_token, data.callback_secret);
      const agent = await findStreamAgent(ctx.pool, run.agentUuid);
      const placed = await placeCall(configuredClientOptions(ctx, configuration), {
        to,
        from: text(initial['caller_number']),
        streamUrl: urls.streamUrl,
        answerUrl: urls.answerUrl,
        statusCallbackUrl: urls.statusCallbackUrl,
        sampleRate: agent ? agentSampleRate(agent.version.engine) : undefined,
      });
      await execute(
        ctx.pool,
        sql`UPDATE "workflow_runs" SET "provider_call_id" = ${placed.callId},
          "dial_status" = CASE WHEN "dial_status" = 'queued' THEN 'dialing' ELSE "dial_status" END
        WHERE "id" = ${run.id}`,
      );
      await logActionSucceeded(ctx, run.id, action);
      log.info({ provider: run.mode, attempts: job.attempt }, 'outbound call placed');
      announceRun(ctx, run.id);
    } catch (err) {
      const { code, status } = providerFailureOf(err);
      if (RETRYABLE_PROVIDER_CODES.has(code) && !job.isLastAttempt) {
        log.warn({ err_code: code, attempt: job.attempt }, 'placing the outbound call failed, will retry');
        throw err;
      }
      log.warn({ err_code: code, status, attempts: job.attempt }, 'provider refused the outbound call');
      await failBoundRun(ctx, run.id, action, code, status, `provider refused the call: ${code}`);
    }
  });
}
