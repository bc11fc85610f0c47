/**
 * What a webhook delivery is made of and when it is tried again: the event types, the job that
 * makes one attempt, and the retry schedule (exponential, capped) of a receiver that fails.
 */
import type { ControlPlaneConfig } from '../config.ts';

/** The events an agent's webhook receives. */
export const WebhookEvent = {
  /** The run moved to `running`: the call is connected and the agent answers it. */
  RunStarted: 'run.started',
  /** The run reached `completed` or `failed`. */
  RunEnded: 'run.ended',
} as const;

/** One of {@link WebhookEvent}. */
export type WebhookEvent = (typeof WebhookEvent)[keyof typeof WebhookEvent];

/** Every {@link WebhookEvent}, for schemas. */
export const WEBHOOK_EVENTS = Object.values(WebhookEvent) as [WebhookEvent, ...WebhookEvent[]];

/**
 * The job that makes one attempt at a delivery. Its tries are against trouble of our own (the
 * database): a receiver's failure is recorded and retried by the sweep on the webhook schedule.
 * The trigger `webhook_run_event` (migration 20261207010000) writes the first job of an event with
 * these same values; keep them in step.
 */
export const WEBHOOK_DELIVER_JOB = {
  name: 'webhook.deliver',
  attempts: 5,
  backoffMs: 1_000,
} as const;

/** The job id of a delivery's attempts: one pending at a time per delivery. */
export function deliverJobId(deliveryId: string): string {
  return `webhook:${deliveryId}`;
}

/** The scheduled job that queues the retries that are due. */
export const WEBHOOK_SWEEP_JOB = 'webhook.sweep';

/** The retry schedule of a delivery. */
export type WebhookRetryPolicy = Pick<ControlPlaneConfig, 'webhookAttempts' | 'webhookBackoffMs' | 'webhookMaxBackoffMs'>;

/**
 * How long after failed attempt `attempt` (1-based) the next one is due:
 * `min(backoff × 2^(attempt−1), maxBackoff)`; `null` when it was the last attempt.
 */
export function retryDelayMs(policy: WebhookRetryPolicy, attempt: number): number | null {
  if (attempt >= policy.webhookAttempts) return null;
  // 2^40 already exceeds any cap a millisecond setting can express; keeps the product finite.
  const doubled = policy.webhookBackoffMs * 2 ** Math.min(attempt - 1, 40);
  return Math.min(doubled, policy.webhookMaxBackoffMs);
}

/** Time from the first attempt to the last one when every attempt fails, in milliseconds. */
export function retryWindowMs(policy: WebhookRetryPolicy): number {
  let total = 0;
  for (let attempt = 1; attempt < policy.webhookAttempts; attempt++) total += retryDelayMs(policy, attempt) ?? 0;
  return total;
}

/** Bounds of the sweep period, in milliseconds. */
const SWEEP_BOUNDS = { min: 100, max: 5_000 } as const;

/**
 * Period of the retry sweep: the first retry delay, within 100 ms … 5 s, so a retry is made at most
 * that late (or a tenth of its delay, whichever is more).
 */
export function sweepIntervalMs(policy: WebhookRetryPolicy): number {
  return Math.min(SWEEP_BOUNDS.max, Math.max(SWEEP_BOUNDS.min, policy.webhookBackoffMs));
}
