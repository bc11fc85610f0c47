import { RunActionRequestSchema, TERMINAL_RUN_STATES, parseMessage, type RunActionResponse } from '@vr3/protocol';
import { getProvider } from '@vr3/providers';
import type { ControlPlaneContext } from '../context.ts';
import { enqueueProviderAction } from '../jobs/provider-actions.ts';
import { sessionIdOf } from '../providers/run-target.ts';

/**
 * `RunAction`: the agent asks for a provider hangup or transfer; it runs as a job with retries.
 * A transfer needs a target except on providers that transfer by ending the stream (Exotel).
 */
export async function handleRunAction(ctx: ControlPlaneContext, data: unknown): Promise<RunActionResponse> {
  const req = parseMessage(RunActionRequestSchema, data);
  const run = await ctx.prisma.workflowRun.findUnique({ where: { id: req.run_id }, select: { state: true, gatheredContext: true, mode: true } });
  if (!run) return { ok: false, error: { code: 'run_not_found', message: 'run not found' } };
  if (TERMINAL_RUN_STATES.includes(run.state) && req.action === 'transfer') {
    return { ok: false, error: { code: 'run_already_ended', message: 'run already ended' } };
  }
  if (!sessionIdOf(run.gatheredContext)) return { ok: false, error: { code: 'session_unknown', message: 'no provider session recorded for the run' } };
  // Exotel has no transfer API: closing the stream hands the call to the flow's next applet.
  const targetUsed = getProvider(run.mode)?.telephony.transferTarget !== 'unused';
  if (req.action === 'transfer' && !req.target && targetUsed) {
    return { ok: false, error: { code: 'transfer_target_required', message: 'transfer needs a target' } };
  }
  await enqueueProviderAction(ctx, { runId: req.run_id, action: req.action, source: 'agent', ...(req.target === undefined ? {} : { target: req.target }) });
  ctx.logger.info({ run_id: req.run_id, action: req.action }, 'provider action queued');
  return { ok: true };
}
