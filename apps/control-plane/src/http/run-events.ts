import { Router } from 'express';
import { z } from 'zod';
import type { ControlPlaneContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { decodeCursor, encodeCursor, pageQuery } from './cursor.ts';
import { principal, validate } from './middleware.ts';
import { runEventView } from './views.ts';

/** Page size bounds of `GET /runs/{id}/events`. */
export const RUN_EVENT_PAGE = { default: 100, max: 500 } as const;

/** Position after the last event of a page (its `seq`). */
const Cursor = z.strictObject({ s: z.number().int().nonnegative() });
type Cursor = z.infer<typeof Cursor>;

const EventsQuery = pageQuery(RUN_EVENT_PAGE.max);

/**
 * `GET /runs/{id}/events?limit=&cursor=`: the run's events in `seq` order, `{ data, next_cursor }`
 * with an opaque cursor (`null` on the last page). Runs of other organizations are 404 like `GET /runs/{id}`.
 */
export function runEventRoutes(ctx: ControlPlaneContext): Router {
  const router = Router();

  router.get('/runs/:id/events', async (req, res) => {
    const query = validate(EventsQuery, req.query);
    const after = query.cursor === undefined ? 0 : decodeCursor(Cursor, query.cursor).s;
    const limit = query.limit ?? RUN_EVENT_PAGE.default;
    const run = await ctx.prisma.workflowRun.findFirst({ where: { id: req.params.id, organizationId: principal(res).organizationId }, select: { id: true } });
    if (!run) throw new ApiError('run_not_found', 'run not found');
    const rows = await ctx.prisma.runEvent.findMany({
      where: { runId: run.id, seq: { gt: after } },
      orderBy: { seq: 'asc' },
      take: limit + 1,
      select: { seq: true, type: true, emittedAt: true, data: true },
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    res.json({
      data: page.map(runEventView),
      next_cursor: rows.length > limit && last ? encodeCursor({ s: last.seq } satisfies Cursor) : null,
    });
  });

  return router;
}

/** The query schema, for the OpenAPI document. */
export { EventsQuery as RunEventsQuery };
