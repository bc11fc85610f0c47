/**
 * The shapes of the live-calls event stream (`GET /api/v1/live-calls/events`, docs/live-calls.md)
 * as the console reads them.
 */

/** Where a run is in its life. */
export type CallState = 'initialized' | 'running' | 'completed' | 'failed';

/** A call as the stream shows it. */
export interface LiveCall {
  id: string;
  name: string;
  state: CallState;
  /** `inbound` or `outbound`. */
  call_type: string;
  provider: string;
  agent: { uuid: string; name: string };
  caller_number: string | null;
  called_number: string | null;
  edge_id: string | null;
  dial_status: string | null;
  created_at: string;
  /** When the call was answered and validated: its duration counts from here. */
  started_at: string | null;
  ended_at: string | null;
  end_reason: string | null;
  duration_seconds: number | null;
}

/** The first event of every connection: the live calls now. */
export interface Snapshot {
  calls: LiveCall[];
  /** More calls are live than the snapshot lists. */
  truncated: boolean;
  /** This principal receives `call.transcript` events. */
  transcripts: boolean;
  /** The server's clock when it sent the snapshot: durations tick on it, whatever the browser's clock says. */
  server_time: string;
}

/** `call.started`, `call.updated`, `call.ended`. */
export type CallEventName = 'call.started' | 'call.updated' | 'call.ended';

/** A transcript line of a voice or realtime agent's call (`call.transcript`; a run event of type `transcript`). */
export interface TranscriptLine {
  run_id: string;
  seq: number;
  at: string;
  data: { role?: string; text?: string; interrupted?: boolean; [key: string]: unknown };
}

/** A run event as `GET /runs/{id}/events` lists it. */
export interface RunEventRow {
  seq: number;
  type: string;
  at: string;
  data: TranscriptLine['data'];
}

/** What the live-calls page needs of the API client (`ApiClient` has it). */
export interface LiveCallsApi {
  request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
}
