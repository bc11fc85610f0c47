import { Router } from 'express';
import { z } from 'zod';
import type { ControlPlaneContext } from '../context.ts';
import { readOverviewStats } from '../db/overview-stats.ts';
import { ApiError } from '../errors.ts';
import { principal, validate } from './middleware.ts';

/** Range when the query gives none: the last 24 hours. */
const DEFAULT_RANGE_MS = 24 * 3_600_000;
/** Widest range one request may ask for: 31 days. */
export const MAX_RANGE_MS = 31 * 24 * 3_600_000;

const Instant = z.iso.datetime({ offset: true });
const OverviewQuery = z.strictObject({
  from: Instant.optional().describe('start of the range (inclusive); default: `to` minus 24 hours'),
  to: Instant.optional().describe('end of the range (exclusive); default: now'),
});

/** `GET /stats/overview`: the organization's calls, failures, minutes and latencies over a range (db/overview-stats.ts). */
export function statsRoutes(ctx: ControlPlaneContext): Router {
  const router = Router();

  router.get('/stats/overview', async (req, res) => {
    const query = validate(OverviewQuery, req.query);
    const now = new Date();
    const to = query.to ? new Date(query.to) : now;
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_RANGE_MS);
    if (from.getTime() >= to.getTime()) throw new ApiError('validation_failed', 'from: must be before to');
    if (to.getTime() - from.getTime() > MAX_RANGE_MS) throw new ApiError('validation_failed', 'from: the range may span at most 31 days');
    const stats = await readOverviewStats(ctx.prisma, principal(res).organizationId, from, to, now);
    res.json({
      from: from.toISOString(),
      to: to.toISOString(),
      ...stats,
      calls_per_hour: stats.calls_per_hour.map((row) => ({ ...row, hour: row.hour.toISOString() })),
    });
  });

  return router;
}

/** The query schema, for the OpenAPI document. */
export { OverviewQuery };
