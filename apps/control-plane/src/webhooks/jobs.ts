/**
 * The webhook jobs. `webhook.deliver` makes one attempt at a delivery: the first is queued by the
 * database trigger in the transaction that changes the run's state, each retry by `webhook.sweep`,
 * which runs every few seconds (once per period for the fleet) and queues the deliveries whose next
 * attempt is due. Every attempt is a row of `webhook_deliveries`; since the schedule lives there, a
 * restart neither loses a delivery nor shortens its schedule.
 */
import { transportFor, type HttpTransport } from '@vr3/providers';
import { z } from 'zod';
import type { ControlPlaneContext } from '../context.ts';
import type { Agent } from '../generated/prisma/client.ts';
import { dueRetries, latestAttempt, recordAttempt } from './deliveries.ts';
import { webhookBody } from './payload.ts';
import { deliverJobId, retryDelayMs, sweepIntervalMs, WEBHOOK_DELIVER_JOB, WEBHOOK_EVENTS, WEBHOOK_SWEEP_JOB } from './policy.ts';
import { openWebhookSecret } from './secret.ts';
import { postWebhook, WebhookFailure, type WebhookAttemptOutcome } from './send.ts';
import { WEBHOOK_HEADERS, webhookSignature } from './signature.ts';

/** What a `webhook.deliver` job carries (the trigger writes the same fields). */
const DeliverJobData = z.object({
  delivery_id: z.uuid(),
  event: z.enum(WEBHOOK_EVENTS),
  run_id: z.string().min(1),
});
type DeliverJobData = z.infer<typeof DeliverJobData>;

/** Deliveries queued per sweep; more wait for the next one. */
const SWEEP_BATCH = 500;
/** A job for an attempt due later than this is a duplicate (a job re-run after a restart): the sweep queues it when due. */
const EARLY_TOLERANCE_MS = 1_000;

/** Registers `webhook.deliver` and schedules `webhook.sweep`. */
export async function registerWebhookJobs(ctx: ControlPlaneContext): Promise<void> {
  const transport = transportFor({ addressPolicy: ctx.config.allowInsecureProviderUrls ? 'any' : 'public', resolveHost: ctx.resolveProviderHost });
  ctx.jobs.process(WEBHOOK_DELIVER_JOB.name, async (raw) => deliver(ctx, transport, DeliverJobData.parse(raw)));
  ctx.jobs.process(WEBHOOK_SWEEP_JOB, async () => void (await queueDueRetries(ctx)));
  await ctx.jobs.schedule(WEBHOOK_SWEEP_JOB, { everyMs: sweepIntervalMs(ctx.config) });
}

/** Queues a `webhook.deliver` job for every delivery whose retry is due; resolves with how many. */
export async function queueDueRetries(ctx: ControlPlaneContext, now = new Date()): Promise<number> {
  const due = await dueRetries(ctx.prisma, now, SWEEP_BATCH);
  for (const row of due) {
    const data = { delivery_id: row.deliveryId, event: row.event, run_id: row.runId };
    // A job still pending for the delivery absorbs this one.
    await ctx.jobs.enqueue(WEBHOOK_DELIVER_JOB.name, data, { jobId: deliverJobId(row.deliveryId), attempts: WEBHOOK_DELIVER_JOB.attempts, backoffMs: WEBHOOK_DELIVER_JOB.backoffMs });
  }
  return due.length;
}

/** Where and how to sign, or null when the agent has no usable webhook any more. */
type Target = { url: string; secret: string } | null;

/** Makes the next attempt of a delivery, unless it is delivered, given up or not yet due. */
async function deliver(ctx: ControlPlaneContext, transport: HttpTransport, data: DeliverJobData): Promise<void> {
  const log = ctx.logger.child({ component: 'webhooks', run_id: data.run_id, delivery_id: data.delivery_id, event: data.event });
  const latest = await latestAttempt(ctx.prisma, data.delivery_id);
  if (latest && (!latest.awaitingRetry || (latest.nextAttemptAt !== null && latest.nextAttemptAt.getTime() > Date.now() + EARLY_TOLERANCE_MS))) return;
  const run = await ctx.prisma.workflowRun.findUnique({ where: { id: data.run_id }, include: { agent: true } });
  // A deleted run took its deliveries with it.
  if (!run) return;
  const attempt = (latest?.attempt ?? 0) + 1;
  const target = targetOf(ctx, run.agent, log);
  const outcome: WebhookAttemptOutcome = target
    ? await send(ctx, transport, target, webhookBody(data.delivery_id, data.event, run), data, attempt)
    : { statusCode: null, error: WebhookFailure.WebhookUnavailable, durationMs: 0 };
  const delivered = outcome.error === null;
  // 410 Gone: the receiver asks for no more of this delivery.
  const final = delivered || !target || outcome.statusCode === 410;
  const delay = final ? null : retryDelayMs(ctx.config, attempt);
  const at = new Date();
  const recorded = await recordAttempt(ctx.prisma, {
    deliveryId: data.delivery_id,
    runId: data.run_id,
    event: data.event,
    attempt,
    statusCode: outcome.statusCode,
    error: outcome.error,
    durationMs: outcome.durationMs,
    at,
    nextAttemptAt: delay === null ? null : new Date(at.getTime() + delay),
    deliveredAt: delivered ? at : null,
  });
  const fields = { attempt, status_code: outcome.statusCode, duration_ms: outcome.durationMs };
  if (!recorded) log.warn(fields, 'webhook attempt made twice');
  else if (delivered) log.info(fields, 'webhook delivered');
  else if (delay !== null) log.warn({ ...fields, error: outcome.error, retry_in_ms: delay }, 'webhook attempt failed, will retry');
  else log.error({ ...fields, error: outcome.error }, 'webhook delivery given up');
}

/** The agent's webhook URL and opened secret; null (logged) when it has none or the secret cannot be opened. */
function targetOf(ctx: ControlPlaneContext, agent: Agent, log: ControlPlaneContext['logger']): Target {
  if (agent.webhookUrl === null || agent.webhookSecretCiphertext === null) return null;
  try {
    return { url: agent.webhookUrl, secret: openWebhookSecret(ctx.secretKey, agent.id, agent.webhookSecretCiphertext) };
  } catch (err) {
    log.error({ err }, 'webhook secret cannot be opened');
    return null;
  }
}

function send(ctx: ControlPlaneContext, transport: HttpTransport, target: NonNullable<Target>, body: string, data: DeliverJobData, attempt: number): Promise<WebhookAttemptOutcome> {
  return postWebhook(transport, {
    url: target.url,
    body,
    headers: {
      [WEBHOOK_HEADERS.signature]: webhookSignature(target.secret, body, Date.now() / 1000),
      [WEBHOOK_HEADERS.event]: data.event,
      [WEBHOOK_HEADERS.delivery]: data.delivery_id,
      [WEBHOOK_HEADERS.attempt]: String(attempt),
    },
    timeoutMs: ctx.config.webhookTimeoutMs,
  });
}
