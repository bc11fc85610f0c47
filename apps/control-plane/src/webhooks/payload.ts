/**
 * The body of a webhook request: the event and the run as it is when the attempt is made (a
 * `run.started` retried after the call ended already shows the end). Built from the stored run, so
 * every attempt of a finished run sends the same run.
 */
import type { WorkflowRun } from '../generated/prisma/client.ts';
import type { WebhookEvent } from './policy.ts';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** A string field of a JSON object column, else null. */
function stringField(value: unknown, key: string): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' ? field : null;
}

/** A field of a JSON object column, `undefined` when absent. */
function fieldOf(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return (value as Record<string, unknown>)[key];
}

/** What a webhook says of a run: its state, end, numbers, times and, when the engine kept one, its transcript. */
export function webhookRunView(run: WorkflowRun) {
  const transcript = fieldOf(run.gatheredContext, 'transcript');
  return {
    id: run.id,
    name: run.name,
    agent_uuid: run.agentUuid,
    agent_version_id: run.agentVersionId,
    call_type: run.callType,
    provider: run.mode,
    state: run.state,
    end_reason: run.endReason,
    error: run.error,
    from: stringField(run.initialContext, 'caller_number'),
    to: stringField(run.initialContext, 'called_number'),
    created_at: run.createdAt.toISOString(),
    started_at: iso(run.startedAt),
    ended_at: iso(run.endedAt),
    duration_seconds: run.durationSeconds,
    ...(transcript === undefined ? {} : { transcript }),
  };
}

/** The JSON body of one delivery: `id` is the delivery id (also `X-VR3-Delivery`). */
export function webhookBody(deliveryId: string, event: WebhookEvent, run: WorkflowRun): string {
  const occurredAt = event === 'run.started' ? run.startedAt : run.endedAt;
  return JSON.stringify({ id: deliveryId, type: event, occurred_at: iso(occurredAt), run: webhookRunView(run) });
}
