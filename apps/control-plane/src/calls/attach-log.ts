/**
 * What an attached run keeps about its stream: the settings the attach request gave
 * (`logs.attach`: call id, direction, track, content type), the provider's stream id once it opened
 * the stream and when it was stopped, and the dial statuses it goes through.
 */

/** Dial status of an attached run while the provider is being asked, and once it opened the stream. */
export const ATTACH_DIAL_STATUS = Object.freeze({ queued: 'attaching', attached: 'attached', stopped: 'stopped' });

/** The attach settings kept on the run (`logs.attach`), read by the job. */
export interface AttachLog {
  call_id: string;
  bidirectional: boolean;
  audio_track: string;
  content_type: string | null;
  /** The provider's id of the stream, once it opened it. */
  stream_id?: string | null;
  /** When `DELETE /runs/{id}/stream` stopped it. */
  stopped_at?: string | null;
}

/** The attach settings of a run, `undefined` for a run that was not attached. */
export function attachLogOf(logs: unknown): AttachLog | undefined {
  const attach = (logs as { attach?: unknown } | null)?.attach;
  if (attach === null || typeof attach !== 'object') return undefined;
  const a = attach as Partial<AttachLog>;
  return typeof a.call_id === 'string' ? (a as AttachLog) : undefined;
}
