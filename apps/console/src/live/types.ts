/**
 * The shapes of the live-calls event stream (`GET /api/v1/live-calls/events`, docs/live-calls.md)
 * as the console reads them: named views of the types generated from the API's OpenAPI document
 * (generated/api.ts, `npm run openapi:types`), whose `x-vr3-events` the server's tests check every
 * event against.
 */
import type { components } from '../generated/api.ts';

type Schemas = components['schemas'];

/** A call as the stream shows it. */
export type LiveCall = Schemas['LiveCall'];

/** Where a run is in its life. */
export type CallState = LiveCall['state'];

/** The first event of every connection: the live calls now, and the server's clock (durations tick on it). */
export type Snapshot = Schemas['LiveCallsSnapshot'];

/** `call.started`, `call.updated`, `call.ended`: each carries `{call}` (the `LiveCallChange` schema). */
export type CallEventName = 'call.started' | 'call.updated' | 'call.ended';

/** What the console reads of a transcript run event's `data` (the engine's own object). */
export type TranscriptData = { role?: string; text?: string; interrupted?: boolean; [key: string]: unknown };

/** A transcript line of a voice or realtime agent's call (`call.transcript`; a run event of type `transcript`). */
export type TranscriptLine = Omit<Schemas['LiveTranscriptLine'], 'data'> & { data: TranscriptData };

/** A run event as `GET /runs/{id}/events` lists it. */
export type RunEventRow = Omit<Schemas['RunEvent'], 'data'> & { data: TranscriptData };

/** What the live-calls page needs of the API client (`ApiClient` has it). */
export interface LiveCallsApi {
  request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
}
