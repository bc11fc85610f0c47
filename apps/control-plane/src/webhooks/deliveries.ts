/** The `webhook_deliveries` table: one row per attempt, the retry work list, and the per-run listing. */
import type { Db } from '../db/prisma.ts';
import type { WebhookDelivery } from '../generated/prisma/client.ts';
import type { WebhookEvent } from './policy.ts';

/** The latest attempt of a delivery, or null before its first one. */
export function latestAttempt(prisma: Db, deliveryId: string): Promise<WebhookDelivery | null> {
  return prisma.webhookDelivery.findFirst({ where: { deliveryId }, orderBy: { attempt: 'desc' } });
}

/** One attempt to record. */
export interface AttemptRecord {
  deliveryId: string;
  runId: string;
  event: WebhookEvent;
  attempt: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  at: Date;
  /** When the next attempt is due; null when delivered or given up. */
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
}

/**
 * Records an attempt and, in the same transaction, takes the earlier attempts of the delivery off
 * the retry work list. False when that attempt number was already recorded (another worker made it).
 */
export async function recordAttempt(prisma: Db, record: AttemptRecord): Promise<boolean> {
  try {
    await prisma.$transaction([
      prisma.webhookDelivery.create({
        data: {
          deliveryId: record.deliveryId,
          runId: record.runId,
          event: record.event,
          attempt: record.attempt,
          statusCode: record.statusCode,
          error: record.error,
          durationMs: record.durationMs,
          createdAt: record.at,
          nextAttemptAt: record.nextAttemptAt,
          awaitingRetry: record.nextAttemptAt !== null,
          deliveredAt: record.deliveredAt,
        },
      }),
      prisma.webhookDelivery.updateMany({
        where: { deliveryId: record.deliveryId, attempt: { lt: record.attempt }, awaitingRetry: true },
        data: { awaitingRetry: false },
      }),
    ]);
    return true;
  } catch (err) {
    if ((err as { code?: unknown }).code === 'P2002') return false;
    throw err;
  }
}

/** A delivery whose next attempt is due. */
export interface DueRetry {
  deliveryId: string;
  runId: string;
  event: string;
}

/** Deliveries whose latest attempt failed and whose retry is due by `now`, earliest first. */
export function dueRetries(prisma: Db, now: Date, limit: number): Promise<DueRetry[]> {
  return prisma.webhookDelivery.findMany({
    where: { awaitingRetry: true, nextAttemptAt: { lte: now } },
    orderBy: { nextAttemptAt: 'asc' },
    take: limit,
    select: { deliveryId: true, runId: true, event: true },
  });
}

/** One page of a run's attempts, newest first; `next` is set when more follow. */
export async function listRunDeliveries(
  prisma: Db,
  runId: string,
  page: { limit: number; after?: { createdAt: Date; id: string } | undefined },
): Promise<{ rows: WebhookDelivery[]; next: { createdAt: Date; id: string } | null }> {
  const after = page.after;
  const found = await prisma.webhookDelivery.findMany({
    where: { runId, ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}) },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: page.limit + 1,
  });
  const rows = found.slice(0, page.limit);
  const last = rows[rows.length - 1];
  return { rows, next: found.length > page.limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}
