/**
 * The durable job that asks the provider to open a stream on a live call (`POST
 * /agents/{uuid}/attach` queues it; `calls/attach-stream.ts`). Like placing a call: transient
 * failures are retried with backoff; a refusal (the call is not live: 404), a timeout (the stream
 * may have been opened: it is not asked twice) or an unusable configuration ends the run
 * `failed`/`provider_failed`, giving its quota slot back. On success the provider's `stream_id`
 * goes on the run (`logs.attach.stream_id`, dial status `attached`). The job data carries the stream
 * token and callback secret in clear; only their hashes are on the run.
 */
import { RunState } from '@vr3/protocol';
import { getProvider } from '@vr3/providers';
import { z } from 'zod';
import type { ControlPlaneContext } from '../context.ts';
import { ATTACH_DIAL_STATUS, attachLogOf } from '../calls/attach-log.ts';
import { failBoundRun, logActionSucceeded, providerFailureOf, RETRYABLE_PROVIDER_CODES } from '../calls/bound-run-job.ts';
import { execute, sql } from '../db/sql.ts';
import { findStreamAgent } from '../db/stream-agent.ts';
import { agentSampleRate } from '../http/agent-audio.ts';
import { runUrls } from '../http/run-urls.ts';
import { configuredClientOptions } from '../providers/run-target.ts';

/** Job name of attaching a stream to a live call. */
export const ATTACH_STREAM_JOB = 'call.attach';

const AttachStreamData = z.object({ run_id: z.string(), stream_token: z.string(), callback_secret: z.string() });

/** Queues opening the stream of attached run `runId` (one job per run). */
export function enqueueAttachStream(ctx: ControlPlaneContext, runId: string, streamToken: string, callbackSecret: string): Promise<boolean> {
  return ctx.jobs.enqueue(ATTACH_STREAM_JOB, { run_id: runId, stream_token: streamToken, callback_secret: callbackSecret }, {
    jobId: `${ATTACH_STREAM_JOB}:${runId}`,
    attempts: ctx.config.providerActionAttempts,
    backoffMs: ctx.config.providerActionBackoffMs,
  });
}

/** Registers the attach job's handler. */
export function registerAttachStreamJobs(ctx: ControlPlaneContext): void {
  ctx.jobs.process(ATTACH_STREAM_JOB, async (raw, job) => {
    const data = AttachStreamData.parse(raw);
    const log = ctx.logger.child({ run_id: data.run_id, job_id: job.id, action: 'attach' });
    const run = await ctx.prisma.workflowRun.findUnique({ where: { id: data.run_id }, include: { telephonyConfiguration: true } });
    if (!run || run.state !== RunState.Initialized) {
      log.info({ state: run?.state ?? null }, 'stream not attached: its run is no longer waiting');
      return;
    }
    const action = { action: 'attach', attempts: job.attempt } as const;
    const attachStream = getProvider(run.mode)?.attachStream;
    const configuration = run.telephonyConfiguration;
    const publicUrl = ctx.config.publicUrl;
    const attach = attachLogOf(run.logs);
    if (!attachStream || !configuration || publicUrl === null || attach === undefined) {
      log.error({ provider: run.mode, configuration: configuration !== null, public_url: publicUrl !== null }, 'stream cannot be attached');
      return failBoundRun(ctx, run.id, action, 'attach_unavailable', undefined, 'stream cannot be attached: provider, configuration or public URL unavailable');
    }
    try {
      const urls = runUrls(publicUrl, { id: run.id, provider: run.mode, agentUuid: run.agentUuid }, data.stream_token, data.callback_secret);
      const agent = await findStreamAgent(ctx.pool, run.agentUuid);
      const attached = await attachStream(configuredClientOptions(ctx, configuration), {
        callId: attach.call_id,
        serviceUrl: urls.streamUrl,
        bidirectional: attach.bidirectional,
        audioTrack: attach.audio_track,
        contentType: attach.content_type ?? undefined,
        sampleRate: agent ? agentSampleRate(agent.version.engine) : undefined,
        statusCallbackUrl: urls.statusCallbackUrl,
      });
      await execute(
        ctx.pool,
        sql`UPDATE "workflow_runs" SET "logs" = jsonb_set("logs", '{attach,stream_id}', to_jsonb(${attached.streamId}::text)),
          "dial_status" = CASE WHEN "dial_status" = ${ATTACH_DIAL_STATUS.queued} THEN ${ATTACH_DIAL_STATUS.attached} ELSE "dial_status" END
        WHERE "id" = ${run.id}`,
      );
      await logActionSucceeded(ctx, run.id, action);
      log.info({ provider: run.mode, attempts: job.attempt }, 'stream attached');
    } catch (err) {
      const { code, status } = providerFailureOf(err);
      if (RETRYABLE_PROVIDER_CODES.has(code) && !job.isLastAttempt) {
        log.warn({ err_code: code, attempt: job.attempt }, 'attaching the stream failed, will retry');
        throw err;
      }
      log.warn({ err_code: code, status, attempts: job.attempt }, 'provider refused to attach the stream');
      await failBoundRun(ctx, run.id, action, code, status, `provider refused to attach the stream: ${code}`);
    }
  });
}
