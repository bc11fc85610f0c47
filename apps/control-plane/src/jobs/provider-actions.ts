import { z } from 'zod';
import type { ControlPlaneContext } from '../context.ts';
import { appendRunLog } from '../db/runs.ts';
import { ProviderActionError, ProviderActionErrorCode } from '../errors.ts';
import { providerTargetFor, sessionIdOf } from '../providers/run-target.ts';

/** Job names of provider REST actions. */
export const ProviderActionJob = {
  Hangup: 'provider.hangup',
  Transfer: 'provider.transfer',
} as const;

/**
 * Who asked for a provider action (recorded on the run's logs): the REST API, the agent (through its
 * edge), or the control-plane itself (a run whose edge is gone).
 */
export type ProviderActionSource = 'api' | 'agent' | 'control-plane';

const JobDataSchema = z.object({
  run_id: z.string(),
  source: z.enum(['api', 'agent', 'control-plane']),
  target: z.string().optional(),
});
type JobData = z.infer<typeof JobDataSchema>;

/** A provider action to run with retries. */
export interface ProviderActionRequest {
  runId: string;
  action: 'hangup' | 'transfer';
  source: ProviderActionSource;
  /** Transfer target (Cloudonix: CXML). */
  target?: string;
}

/**
 * Queues a provider action. Idempotent while pending: one hangup per run, one transfer per run at
 * a time. Returns false when an identical pending job absorbed it.
 */
export function enqueueProviderAction(ctx: ControlPlaneContext, request: ProviderActionRequest): Promise<boolean> {
  const data: JobData = { run_id: request.runId, source: request.source, ...(request.target === undefined ? {} : { target: request.target }) };
  const name = request.action === 'hangup' ? ProviderActionJob.Hangup : ProviderActionJob.Transfer;
  return ctx.jobs.enqueue(name, data, {
    jobId: `${name}:${request.runId}`,
    attempts: ctx.config.providerActionAttempts,
    backoffMs: ctx.config.providerActionBackoffMs,
  });
}

/**
 * Registers the job handlers. Each try loads the run and its configuration, decrypts the
 * credentials and calls the provider. The outcome (success, or failure after the last try) is
 * appended to the run's `logs.provider_actions`; a final failure is also logged at `error`.
 */
export function registerProviderActionJobs(ctx: ControlPlaneContext): void {
  for (const action of ['hangup', 'transfer'] as const) {
    const name = action === 'hangup' ? ProviderActionJob.Hangup : ProviderActionJob.Transfer;
    ctx.jobs.process(name, async (raw, job) => {
      const data = JobDataSchema.parse(raw);
      const log = ctx.logger.child({ run_id: data.run_id, job_id: job.id, action });
      try {
        const run = await ctx.prisma.workflowRun.findUnique({ where: { id: data.run_id }, include: { telephonyConfiguration: true } });
        if (!run) throw new ProviderActionError(ProviderActionErrorCode.RunNotFound, 'run not found');
        const { client, ref } = providerTargetFor(ctx, run.telephonyConfiguration, sessionIdOf(run.gatheredContext));
        if (action === 'hangup') await client.hangup(ref);
        else await client.transfer(ref, data.target ?? '');
        await appendRunLog(ctx.prisma, data.run_id, 'provider_actions', {
          action,
          source: data.source,
          outcome: 'succeeded',
          attempts: job.attempt,
          at: new Date().toISOString(),
        });
        log.info({ attempts: job.attempt }, 'provider action succeeded');
      } catch (err) {
        const e = err as { code?: unknown; status?: unknown; retryable?: unknown };
        // Errors without a `retryable` flag (database hiccups) are retried like retryable ones.
        const final = job.isLastAttempt || e.retryable === false;
        if (!final) {
          log.warn({ err, attempt: job.attempt }, 'provider action failed, will retry');
          throw err;
        }
        log.error({ err, attempts: job.attempt }, 'provider action failed');
        await appendRunLog(ctx.prisma, data.run_id, 'provider_actions', {
          action,
          source: data.source,
          outcome: 'failed',
          attempts: job.attempt,
          error_code: typeof e.code === 'string' ? e.code : 'internal',
          ...(typeof e.status === 'number' ? { status: e.status } : {}),
          at: new Date().toISOString(),
        }).catch((logErr: unknown) => log.error({ err: logErr }, 'cannot record provider action failure'));
        throw err;
      }
    });
  }
}
