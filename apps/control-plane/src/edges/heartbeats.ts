import { CONTROL_PLANE_QUEUE, EdgeHeartbeatSchema, Subjects, parseMessage } from '@vr3/protocol';
import type { ControlPlaneContext } from '../context.ts';
import type { Db } from '../db/prisma.ts';

/** A running heartbeat recorder; `close()` unsubscribes and waits for writes in flight. */
export interface EdgeTracking {
  close(): Promise<void>;
}

/**
 * Records each media-edge's `EdgeHeartbeat` in `media_edges` (database clock), in the
 * control-plane queue group: one replica writes each beat, and every replica's reaper reads the
 * same rows, so replicas may come and go.
 */
export function startEdgeTracking(ctx: ControlPlaneContext): EdgeTracking {
  const inFlight = new Set<Promise<void>>();
  const sub = ctx.bus.subscribe(
    Subjects.EdgeHeartbeat,
    (data) => {
      let beat;
      try {
        beat = parseMessage(EdgeHeartbeatSchema, data);
      } catch (err) {
        ctx.logger.warn({ err }, 'malformed edge heartbeat');
        return;
      }
      const write = recordHeartbeat(ctx.prisma, beat.edge_id, beat.run_ids, beat.draining).catch((err: unknown) =>
        ctx.logger.warn({ err, edge_id: beat.edge_id }, 'cannot record edge heartbeat'),
      );
      inFlight.add(write);
      void write.finally(() => inFlight.delete(write));
    },
    { queue: CONTROL_PLANE_QUEUE },
  );
  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= (async () => {
        sub.unsubscribe();
        await Promise.allSettled([...inFlight]);
      })();
      return closing;
    },
  };
}

/** Upserts an edge's liveness row with the database's clock. */
export async function recordHeartbeat(prisma: Db, edgeId: string, runIds: string[], draining: boolean): Promise<void> {
  await prisma.$executeRaw`
    INSERT INTO "media_edges" ("id", "last_seen_at", "draining", "run_ids", "created_at")
    VALUES (${edgeId}, (now() AT TIME ZONE 'UTC'), ${draining}, ${runIds}::text[], (now() AT TIME ZONE 'UTC'))
    ON CONFLICT ("id") DO UPDATE SET "last_seen_at" = EXCLUDED."last_seen_at", "draining" = EXCLUDED."draining", "run_ids" = EXCLUDED."run_ids"`;
}

/** A live run the reaper must end, and why. */
export interface LostRun {
  id: string;
  edgeId: string | null;
  /** `silent`: its edge stopped heart-beating; `never_seen`: its edge never did; `not_held`: its edge is alive but no longer reports it. */
  cause: 'silent' | 'never_seen' | 'not_held';
  /** It was `running`: the provider may still hold the call. */
  started: boolean;
  /** The run's last known moment: its edge's last heartbeat, or its start (or creation) when later. */
  lastKnownAt: Date;
}

/**
 * Live runs older than `lostAfterMs` whose edge has been silent that long, never heart-beat, or
 * has heart-beaten for that long without listing the run (its finalize was lost). An outbound run
 * counts from when its stream attached; one still dialling (no edge yet) is left to the
 * initialized-run sweep.
 */
export async function findLostRuns(prisma: Db, lostAfterMs: number, limit: number): Promise<LostRun[]> {
  const ms = Math.floor(lostAfterMs);
  return prisma.$queryRaw<LostRun[]>`
    WITH now_utc AS (SELECT (now() AT TIME ZONE 'UTC') AS t)
    SELECT r."id", r."edge_id" AS "edgeId",
      CASE WHEN e."id" IS NULL THEN 'never_seen'
           WHEN e."last_seen_at" < n.t - (${ms}::int * interval '1 millisecond') THEN 'silent'
           ELSE 'not_held' END AS "cause",
      r."state" = 'running' AS "started",
      LEAST(n.t, GREATEST(r."created_at", r."started_at", e."last_seen_at")) AS "lastKnownAt"
    FROM "workflow_runs" r
    CROSS JOIN now_utc n
    LEFT JOIN "media_edges" e ON e."id" = r."edge_id"
    WHERE r."state" IN ('initialized', 'running')
      AND (r."edge_id" IS NOT NULL OR r."stream_token_hash" IS NULL)
      AND COALESCE(r."stream_token_used_at", r."created_at") < n.t - (${ms}::int * interval '1 millisecond')
      AND (e."id" IS NULL
        OR e."last_seen_at" < n.t - (${ms}::int * interval '1 millisecond')
        OR (NOT (r."id" = ANY(e."run_ids")) AND COALESCE(r."stream_token_used_at", r."created_at") < e."last_seen_at" - (${ms}::int * interval '1 millisecond')))
    ORDER BY r."created_at"
    LIMIT ${limit}`;
}

/** Forgets edges silent for longer than `olderThanMs` (their runs were reaped long before). */
export async function pruneEdges(prisma: Db, olderThanMs: number): Promise<number> {
  return prisma.$executeRaw`
    DELETE FROM "media_edges" WHERE "last_seen_at" < (now() AT TIME ZONE 'UTC') - (${Math.floor(olderThanMs)}::int * interval '1 millisecond')`;
}

/**
 * Runs still `initialized` more than `olderThanMs` after they were minted (an outbound call: after
 * its stream token expired, it may ring that long): their edge gave up on
 * them (an admission answered after the edge's bus timeout, a finalize that never arrived). Does
 * not depend on heartbeats, so it needs no observation window.
 */
export async function findStaleInitializedRuns(prisma: Db, olderThanMs: number, limit: number): Promise<Array<{ id: string; edgeId: string | null }>> {
  return prisma.$queryRaw<Array<{ id: string; edgeId: string | null }>>`
    SELECT r."id", r."edge_id" AS "edgeId"
    FROM "workflow_runs" r
    WHERE r."state" = 'initialized'
      AND COALESCE(r."stream_token_expires_at", r."created_at") < (now() AT TIME ZONE 'UTC') - (${Math.floor(olderThanMs)}::int * interval '1 millisecond')
    ORDER BY r."created_at"
    LIMIT ${limit}`;
}
