import { Router } from 'express';
import type { ControlPlaneContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import type { WebhookDelivery } from '../generated/prisma/client.ts';
import { listRunDeliveries } from '../webhooks/deliveries.ts';
import { pageQuery, timeCursorAfter, timeCursorPosition } from './cursor.ts';
import { principal, validate } from './middleware.ts';

/** Page size bounds of `GET /runs/{id}/webhook-deliveries`. */
export const WEBHOOK_DELIVERY_PAGE = { default: 50, max: 200 } as const;

/** The query of `GET /runs/{id}/webhook-deliveries`. */
export const WebhookDeliveriesQuery = pageQuery(WEBHOOK_DELIVERY_PAGE.max);

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** REST shape of one webhook attempt: `delivery_id` is the event's id (`X-VR3-Delivery`), shared by its attempts. */
export function webhookDeliveryView(row: WebhookDelivery) {
  return {
    id: row.id,
    delivery_id: row.deliveryId,
    event: row.event,
    attempt: row.attempt,
    status_code: row.statusCode,
    error: row.error,
    duration_ms: row.durationMs,
    attempted_at: row.createdAt.toISOString(),
    next_attempt_at: iso(row.nextAttemptAt),
    delivered_at: iso(row.deliveredAt),
  };
}

/**
 * `GET /runs/{id}/webhook-deliveries?limit=&cursor=`: every attempt at delivering the run's webhook
 * events, newest first, `{ data, next_cursor }` with an opaque cursor (`null` on the last page).
 * Runs of other organizations are 404 like `GET /runs/{id}`.
 */
export function webhookDeliveryRoutes(ctx: ControlPlaneContext): Router {
  const router = Router();

  router.get('/runs/:id/webhook-deliveries', async (req, res) => {
    const query = validate(WebhookDeliveriesQuery, req.query);
    const run = await ctx.prisma.workflowRun.findFirst({ where: { id: req.params.id, organizationId: principal(res).organizationId }, select: { id: true } });
    if (!run) throw new ApiError('run_not_found', 'run not found');
    const page = await listRunDeliveries(ctx.prisma, run.id, { limit: query.limit ?? WEBHOOK_DELIVERY_PAGE.default, after: timeCursorPosition(query.cursor) });
    res.json({ data: page.rows.map(webhookDeliveryView), next_cursor: page.next ? timeCursorAfter(page.next) : null });
  });

  return router;
}
