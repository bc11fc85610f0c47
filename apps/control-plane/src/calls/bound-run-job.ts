/**
 * What the provider jobs of run-bound runs share (placing a call, attaching a stream): how a
 * provider failure reads, which failures may be retried, and ending a run that never started
 * `failed`/`provider_failed` with the provider action logged (its quota slot is given back).
 */
import { EndReason, RunState } from '@vr3/protocol';
import type { ControlPlaneContext } from '../context.ts';
import { appendRunLog, finalizeRun } from '../db/runs.ts';
import { execute, sql } from '../db/sql.ts';
import { announceRun } from '../live/feed.ts';

/** Error codes of a provider request that may succeed if tried again (nothing was done). */
export const RETRYABLE_PROVIDER_CODES: ReadonlySet<string> = new Set(['provider_unavailable', 'provider_network']);

/** The stable code and HTTP status of a provider failure (`internal` for anything without a code). */
export function providerFailureOf(err: unknown): { code: string; status: number | undefined } {
  const e = (err ?? {}) as { code?: unknown; status?: unknown };
  return { code: typeof e.code === 'string' ? e.code : 'internal', status: typeof e.status === 'number' ? e.status : undefined };
}

/** A provider action as logged in `logs.provider_actions`. */
export interface BoundRunAction {
  action: 'place' | 'attach';
  attempts: number;
}

/** Logs `action` succeeded on run `runId`. */
export function logActionSucceeded(ctx: ControlPlaneContext, runId: string, action: BoundRunAction): Promise<void> {
  return appendRunLog(ctx.prisma, runId, 'provider_actions', { action: action.action, source: 'api', outcome: 'succeeded', attempts: action.attempts, at: new Date().toISOString() });
}

/**
 * Logs `action` failed with `errorCode` (and the provider's `status`), sets the dial status
 * `failed` and ends the run `failed`/`provider_failed` with `error`.
 */
export async function failBoundRun(ctx: ControlPlaneContext, runId: string, action: BoundRunAction, errorCode: string, status: number | undefined, error: string): Promise<void> {
  await appendRunLog(ctx.prisma, runId, 'provider_actions', {
    action: action.action,
    source: 'api',
    outcome: 'failed',
    attempts: action.attempts,
    error_code: errorCode,
    ...(status === undefined ? {} : { status }),
    at: new Date().toISOString(),
  });
  await execute(ctx.pool, sql`UPDATE "workflow_runs" SET "dial_status" = 'failed' WHERE "id" = ${runId}`);
  await finalizeRun(ctx.prisma, { runId, state: RunState.Failed, endReason: EndReason.ProviderFailed, error });
  announceRun(ctx, runId);
}
