import type { RunEvent } from '@vr3/protocol';
import { RunEventsError, RunEventsErrorCode } from '../errors.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { Db } from './prisma.ts';

/**
 * `gathered_context` keys the control-plane records itself (`StreamAdmit`, `RunStart`) and relies
 * on for provider actions: a `context` event cannot overwrite them (the event is still stored).
 */
export const RESERVED_CONTEXT_KEYS: ReadonlySet<string> = new Set(['call_id', 'stream_id', 'call_sid', 'session_id', 'account_id']);

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A batch of run events from the edge holding the run. */
export interface StoreRunEventsInput {
  runId: string;
  edgeId: string;
  events: readonly RunEvent[];
}

/**
 * The `gathered_context` update the newly stored `context` events mean: their keys shallow-merged
 * in `seq` order, except a key a stored context event of a later `seq` already set (so a late or
 * resent batch never undoes a newer value) and the {@link RESERVED_CONTEXT_KEYS}.
 */
export function contextPatch(fresh: ReadonlyArray<{ seq: number; data: unknown }>, stored: ReadonlyArray<{ seq: number; data: unknown }>): JsonObject {
  const patch: JsonObject = {};
  for (const event of [...fresh].sort((a, b) => a.seq - b.seq)) {
    if (!isObject(event.data)) continue;
    for (const [key, value] of Object.entries(event.data)) {
      if (RESERVED_CONTEXT_KEYS.has(key)) continue;
      if (stored.some((s) => s.seq > event.seq && isObject(s.data) && Object.hasOwn(s.data, key))) continue;
      patch[key] = value;
    }
  }
  return patch;
}

/**
 * Stores a batch of run events idempotently by `(run_id, seq)` (a resent batch stores nothing
 * twice) and merges the newly stored `context` events into the run's `gathered_context`, in one
 * transaction holding the run's row lock, so batches of one run apply one after the other.
 * Terminal runs accept events too (the edge flushes its last ones right before finalizing).
 * Returns how many events were new. Throws `RunEventsError` (`run_not_found`, `run_edge_mismatch`).
 */
export async function storeRunEvents(prisma: Db, input: StoreRunEventsInput): Promise<number> {
  return prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<Array<{ edgeId: string | null }>>`
      SELECT "edge_id" AS "edgeId" FROM "workflow_runs" WHERE "id" = ${input.runId} FOR UPDATE`;
    const run = rows[0];
    if (!run) throw new RunEventsError(RunEventsErrorCode.RunNotFound, 'run not found');
    if (run.edgeId !== input.edgeId) throw new RunEventsError(RunEventsErrorCode.EdgeMismatch, 'the run is held by another edge');

    const inserted = await tx.runEvent.createManyAndReturn({
      data: input.events.map((e) => ({ runId: input.runId, seq: e.seq, type: e.type, data: e.data as Prisma.InputJsonObject, emittedAt: new Date(e.at) })),
      skipDuplicates: true,
      select: { seq: true, type: true, data: true },
    });
    const fresh = inserted.filter((e) => e.type === 'context');
    if (fresh.length > 0) {
      const first = Math.min(...fresh.map((e) => e.seq));
      const later = await tx.runEvent.findMany({ where: { runId: input.runId, type: 'context', seq: { gt: first } }, select: { seq: true, data: true } });
      const patch = contextPatch(fresh, later);
      if (Object.keys(patch).length > 0) {
        await tx.$executeRaw`
          UPDATE "workflow_runs" SET "gathered_context" = "gathered_context" || ${JSON.stringify(patch)}::jsonb WHERE "id" = ${input.runId}`;
      }
    }
    return inserted.length;
  });
}
