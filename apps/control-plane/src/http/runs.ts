import { EndReason, RunState, Subjects, TERMINAL_RUN_STATES, type RunControlRequest } from '@vr3/protocol';
import { Router } from 'express';
import { z } from 'zod';
import type { ControlPlaneContext } from '../context.ts';
import { finalizeRun } from '../db/runs.ts';
import { ApiError } from '../errors.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { enqueueProviderAction } from '../jobs/provider-actions.ts';
import { announceRun } from '../live/feed.ts';
import { sessionIdOf } from '../providers/run-target.ts';
import { pageQuery, timeCursorAfter, timeCursorPosition } from './cursor.ts';
import { principal, validate } from './middleware.ts';
import { runView } from './views.ts';

/** Page size bounds of `GET /runs`. */
export const RUN_PAGE = { default: 20, max: 100 } as const;

const Instant = z.iso.datetime({ offset: true });

const ListQuery = pageQuery(RUN_PAGE.max)
  .extend({
    agent_uuid: z.string().min(1).optional(),
    state: z.enum([RunState.Initialized, RunState.Running, RunState.Completed, RunState.Failed]).optional(),
    end_reason: z.enum(Object.values(EndReason) as [EndReason, ...EndReason[]]).optional(),
    provider: z.string().trim().toLowerCase().min(1).max(64).optional(),
    /** Runs created at or after this instant (ISO 8601 with a zone). */
    created_after: Instant.optional(),
    /** Runs created before this instant. */
    created_before: Instant.optional(),
  })
  .refine((q) => q.created_after === undefined || q.created_before === undefined || Date.parse(q.created_after) < Date.parse(q.created_before), {
    path: ['created_before'],
    message: 'must be after created_after',
  });

/**
 * Runs: `GET /runs` (newest first, opaque cursor; filters `agent_uuid`, `state`, `end_reason`,
 * `provider`, `created_after` ≤ created < `created_before`), `GET /runs/{id}`, `POST /runs/{id}/hangup`.
 */
export function runRoutes(ctx: ControlPlaneContext): Router {
  const router = Router();
  const find = async (organizationId: string, id: string) => {
    const run = await ctx.prisma.workflowRun.findFirst({ where: { id, organizationId } });
    if (!run) throw new ApiError('run_not_found', 'run not found');
    return run;
  };

  router.get('/runs', async (req, res) => {
    const query = validate(ListQuery, req.query);
    const organizationId = principal(res).organizationId;
    const limit = query.limit ?? RUN_PAGE.default;
    const where: Prisma.WorkflowRunWhereInput = { organizationId };
    if (query.agent_uuid !== undefined) {
      const agent = await ctx.prisma.agent.findFirst({ where: { organizationId, uuid: query.agent_uuid.toLowerCase() }, select: { id: true } });
      if (!agent) return void res.json({ data: [], next_cursor: null });
      where.agentId = agent.id;
    }
    if (query.state !== undefined) where.state = query.state;
    if (query.end_reason !== undefined) where.endReason = query.end_reason;
    if (query.provider !== undefined) where.mode = query.provider;
    if (query.created_after !== undefined || query.created_before !== undefined) {
      where.createdAt = {
        ...(query.created_after === undefined ? {} : { gte: new Date(query.created_after) }),
        ...(query.created_before === undefined ? {} : { lt: new Date(query.created_before) }),
      };
    }
    const after = timeCursorPosition(query.cursor);
    if (after) where.OR = [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }];
    const rows = await ctx.prisma.workflowRun.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    res.json({
      data: page.map(runView),
      next_cursor: rows.length > limit && last ? timeCursorAfter(last) : null,
    });
  });

  router.get('/runs/:id', async (req, res) => {
    res.json(runView(await find(principal(res).organizationId, req.params.id)));
  });

  /**
   * Ends a live run: asks the edge holding it to end the stream (it finalizes `api_hangup`); if no
   * edge answers, finalizes it here. Then queues the provider hangup (with retries) when the
   * provider session is known. 202 with the run; 409 when it already ended.
   */
  router.post('/runs/:id/hangup', async (req, res) => {
    const run = await find(principal(res).organizationId, req.params.id);
    if (TERMINAL_RUN_STATES.includes(run.state)) throw new ApiError('run_already_ended', 'run already ended');
    const log = ctx.logger.child({ run_id: run.id });
    const control: RunControlRequest = { action: 'end', end_reason: EndReason.ApiHangup };
    let edgeEnded = false;
    try {
      const answer = await ctx.bus.request<{ ok?: unknown }>(Subjects.runControl(run.id), control, { timeoutMs: ctx.config.edgeControlTimeoutMs });
      edgeEnded = answer?.ok === true;
    } catch (err) {
      log.info({ err_code: (err as { code?: unknown }).code }, 'no edge answered the hangup');
    }
    if (!edgeEnded && (await finalizeRun(ctx.prisma, { runId: run.id, state: RunState.Completed, endReason: EndReason.ApiHangup })).changed) announceRun(ctx, run.id);
    if (sessionIdOf(run.gatheredContext)) await enqueueProviderAction(ctx, { runId: run.id, action: 'hangup', source: 'api' });
    log.info({ edge_ended: edgeEnded }, 'run hangup requested');
    res.status(202).json(runView(await find(run.organizationId, run.id)));
  });

  return router;
}

/** The query schema, for the OpenAPI document. */
export { ListQuery as ListRunsQuery };
