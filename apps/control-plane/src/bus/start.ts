import { EndReason, RunState, RunStartRequestSchema, StreamErrorCode, parseMessage, type RunStartResponse } from '@vr3/protocol';
import type { ControlPlaneContext } from '../context.ts';
import { finalizeRun } from '../db/runs.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { providerTargetFor } from '../providers/run-target.ts';

type JsonObject = Record<string, unknown>;

function objectOf(value: unknown): JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : {};
}

/** Keeps only defined values. */
function defined(entries: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}

/**
 * `RunStart`: records the provider's `start` ids and metadata on the run, validates the call session
 * against the provider with the stored credentials (a timeout is a failure), then moves the run to
 * `running`. On failure the run is finalized `failed` / `session_validation_failed` before answering.
 */
export async function handleRunStart(ctx: ControlPlaneContext, data: unknown): Promise<RunStartResponse> {
  const req = parseMessage(RunStartRequestSchema, data);
  const { start } = req;
  const log = ctx.logger.child({ run_id: req.run_id, edge_id: req.edge_id });
  const run = await ctx.prisma.workflowRun.findUnique({ where: { id: req.run_id }, include: { telephonyConfiguration: true } });
  if (!run || run.state !== RunState.Initialized) {
    log.warn({ state: run?.state ?? null }, 'start for a run that is not awaiting it');
    return { ok: false, error: { code: StreamErrorCode.Internal, message: 'run is not awaiting start' } };
  }

  const gathered = objectOf(run.gatheredContext);
  const logs = objectOf(run.logs);
  const nextGathered = {
    ...gathered,
    ...defined({ stream_id: start.stream_id, call_sid: start.call_id, session_id: start.session_id, account_id: start.account_id }),
    ...(gathered['call_id'] === undefined && start.call_id !== undefined ? { call_id: start.call_id } : {}),
  };
  const nextLogs = { ...logs, inbound_webhook: { ...objectOf(logs['inbound_webhook']), start: start.metadata } };
  const recorded = await ctx.prisma.workflowRun.updateMany({
    where: { id: run.id, state: RunState.Initialized },
    data: { gatheredContext: nextGathered as Prisma.InputJsonObject, logs: nextLogs as Prisma.InputJsonObject, edgeId: req.edge_id },
  });
  if (recorded.count === 0) return { ok: false, error: { code: StreamErrorCode.Internal, message: 'run ended before it started' } };

  const sessionId = start.session_id ?? start.call_id;
  try {
    const { client, ref } = providerTargetFor(ctx, run.telephonyConfiguration, sessionId);
    await client.validateCall(ref);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const status = (err as { status?: unknown }).status;
    const detail = typeof code === 'string' ? code : 'validation_error';
    log.warn({ err, provider: run.mode }, 'session validation failed');
    await finalizeRun(ctx.prisma, {
      runId: run.id,
      state: RunState.Failed,
      endReason: EndReason.SessionValidationFailed,
      error: `session validation failed: ${detail}${typeof status === 'number' ? ` (${status})` : ''}`,
    });
    return { ok: false, error: { code: StreamErrorCode.SessionValidationFailed, message: 'session validation failed' } };
  }

  const started = await ctx.prisma.workflowRun.updateMany({
    where: { id: run.id, state: RunState.Initialized },
    data: { state: RunState.Running, startedAt: new Date() },
  });
  if (started.count === 0) return { ok: false, error: { code: StreamErrorCode.Internal, message: 'run ended before it started' } };
  log.info('run running');
  return { ok: true };
}
