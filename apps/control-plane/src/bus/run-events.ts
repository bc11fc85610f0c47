import { MAX_RUN_EVENT_BYTES, RunEventsRequestSchema, UNSAFE_TEXT_MESSAGE, findUnsafeText, parseMessage, type RunEventsResponse } from '@vr3/protocol';
import type { ControlPlaneContext } from '../context.ts';
import { storeRunEvents } from '../db/run-events.ts';
import { RunEventsError } from '../errors.ts';
import { announceTranscripts } from '../live/feed.ts';

/** Largest `seq` a PostgreSQL `integer` holds. */
const MAX_SEQ = 2_147_483_647;
/** Largest `at` a JavaScript `Date` holds, in milliseconds since the epoch. */
const MAX_AT_MS = 8.64e15;

/**
 * The protocol's batch, plus what storage needs: `seq` and `at` in range, `data` within its size,
 * no NUL or unpaired surrogate anywhere in `data` (edges repair those before sending). A batch
 * failing this is `bus_bad_message`, which the edge never re-sends: a plain refinement, not the
 * unsafe-text one that `parseMessage` turns into a stream's `malformed_handshake`.
 */
const StorableRunEvents = RunEventsRequestSchema.superRefine((req, ctx) => {
  req.events.forEach((event, i) => {
    if (event.seq > MAX_SEQ) ctx.addIssue({ code: 'custom', path: ['events', i, 'seq'], message: `at most ${MAX_SEQ}` });
    if (event.at > MAX_AT_MS) ctx.addIssue({ code: 'custom', path: ['events', i, 'at'], message: 'not a representable time' });
    const json = JSON.stringify(event.data);
    if (Buffer.byteLength(json, 'utf8') > MAX_RUN_EVENT_BYTES) ctx.addIssue({ code: 'custom', path: ['events', i, 'data'], message: `larger than ${MAX_RUN_EVENT_BYTES} bytes` });
    // PostgreSQL's jsonb cannot hold U+0000 nor an unpaired surrogate: refused, not retried.
    if (findUnsafeText(event.data) !== null) ctx.addIssue({ code: 'custom', path: ['events', i, 'data'], message: UNSAFE_TEXT_MESSAGE });
  });
});

/**
 * `RunEvents`: stores the events an engine emitted on a run, idempotently by `(run_id, seq)`, and
 * merges `context` events into its `gathered_context`. Only the edge holding the run may send them
 * (`RunEventsError`: `run_not_found`, `run_edge_mismatch`, reaching the edge as `bus_remote_error`);
 * runs that already ended accept them. Event data (transcripts, tool arguments) is never logged.
 */
export async function handleRunEvents(ctx: ControlPlaneContext, data: unknown): Promise<RunEventsResponse> {
  const req = parseMessage(StorableRunEvents, data);
  const log = ctx.logger.child({ run_id: req.run_id, edge_id: req.edge_id });
  let stored: number;
  try {
    stored = await storeRunEvents(ctx.prisma, { runId: req.run_id, edgeId: req.edge_id, events: req.events });
  } catch (err) {
    if (err instanceof RunEventsError) log.warn({ code: err.code, events: req.events.length }, 'run events refused');
    throw err;
  }
  log.debug({ received: req.events.length, stored }, 'run events stored');
  announceTranscripts(ctx, req.run_id, req.events);
  return { ok: true, stored };
}
