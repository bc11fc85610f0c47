import type { LiveCall } from './types.ts';

/** `m:ss`, or `h:mm:ss` from an hour on; negative values count as 0. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/**
 * Seconds a call has lasted at `nowMs`: since it started (answered and validated) for a live call,
 * its recorded duration once ended; null while it has not started yet.
 */
export function callSeconds(call: Pick<LiveCall, 'started_at' | 'duration_seconds' | 'state'>, nowMs: number): number | null {
  if (call.state === 'completed' || call.state === 'failed') return call.duration_seconds;
  if (call.started_at === null) return null;
  return Math.max(0, Math.floor((nowMs - Date.parse(call.started_at)) / 1000));
}
