import type { RunEvent } from '@vr3/protocol';
import type { ControlPlaneContext } from '../context.ts';
import { findCall, isEnded, organizationOfRun, type LiveCallView } from './live-call.ts';

/**
 * The live-calls feed on the bus: every replica publishes the changes it makes to runs, and every
 * replica's live-calls streams subscribe to their organization's subjects, so a stream on one
 * replica sees the calls admitted, started and ended by any other. Plain publish/subscribe, no
 * queue group: each subscriber gets each message. Nothing is stored: a stream that reconnects
 * starts again from a snapshot.
 */

/** Subject of the call changes of an organization. */
export function liveCallsSubject(organizationId: string): string {
  return `vr3.live.${organizationId}.calls`;
}

/** Subject of the transcript lines of an organization's calls (personal data: never logged). */
export function liveTranscriptsSubject(organizationId: string): string {
  return `vr3.live.${organizationId}.transcripts`;
}

/** What a call change is, as the stream names it. */
export type CallChange = 'call.started' | 'call.updated' | 'call.ended';

/** A call change on {@link liveCallsSubject}. */
export interface CallChangeMessage {
  event: CallChange;
  call: LiveCallView;
}

/** A transcript line on {@link liveTranscriptsSubject}: the run event as `GET /runs/{id}/events` shows it, with its run. */
export interface TranscriptMessage {
  run_id: string;
  seq: number;
  at: string;
  data: Record<string, unknown>;
}

/**
 * Publishes the current state of run `runId` to its organization's feed, off the caller's path
 * (fire and forget: a failure is logged, never thrown). `started` for a run just minted (admitted
 * or placed); any other change is `call.updated`, or `call.ended` once the run is terminal. The
 * state is read back after the change, so a late announcement never shows an older state than
 * the database holds. Nothing is read nor published while no live-calls stream is open on any
 * replica (`LiveStreams.listening`).
 */
export function announceRun(ctx: ControlPlaneContext, runId: string, change: 'started' | 'changed' = 'changed'): void {
  if (!ctx.liveStreams.listening) return;
  void (async () => {
    const found = await findCall(ctx.pool, runId);
    if (!found) return;
    const event: CallChange = isEnded(found.call) ? 'call.ended' : change === 'started' ? 'call.started' : 'call.updated';
    ctx.bus.publish(liveCallsSubject(found.organizationId), { event, call: found.call } satisfies CallChangeMessage);
  })().catch((err: unknown) => ctx.logger.warn({ err, run_id: runId }, 'live call change not published'));
}

/**
 * Publishes the `transcript` events of a batch an edge sent for run `runId` (a resent batch
 * publishes its lines again: subscribers tell them apart by `seq`). The lines are never logged.
 */
export function announceTranscripts(ctx: ControlPlaneContext, runId: string, events: readonly RunEvent[]): void {
  if (!ctx.liveStreams.listening) return;
  const lines = events.filter((e) => e.type === 'transcript');
  if (lines.length === 0) return;
  void (async () => {
    const organizationId = await organizationOfRun(ctx.pool, runId);
    if (organizationId === undefined) return;
    const subject = liveTranscriptsSubject(organizationId);
    for (const line of lines) {
      ctx.bus.publish(subject, { run_id: runId, seq: line.seq, at: new Date(line.at).toISOString(), data: line.data } satisfies TranscriptMessage);
    }
  })().catch((err: unknown) => ctx.logger.warn({ err, run_id: runId }, 'live transcript not published'));
}
