import type { MediaFormat } from './media.ts';

/**
 * Provider-neutral events parsed from an inbound provider frame by a provider adapter.
 * Provider frames differ (camelCase/snake_case, numbers as strings); these do not.
 */
export type CallEvent = ConnectedEvent | StartEvent | MediaEvent | DtmfEvent | MarkEvent | ClearedEvent | StopEvent;

/** The provider's first frame (`connected`), where the provider sends one. */
export interface ConnectedEvent {
  type: 'connected';
  protocol?: string;
  version?: string;
}

/** Stream metadata: ids, numbers and the audio format of the call. */
export interface StartEvent {
  type: 'start';
  /** Provider stream id (`streamSid` / `stream_sid` / `streamId`); required by every adapter. */
  streamId: string;
  /** Provider call id (`callSid` / `call_sid` / `callId`). */
  callId?: string;
  /** Provider session id used for REST calls, where it differs from the call id (Cloudonix `session`). */
  sessionId?: string;
  /** Provider account identifier (`accountSid`, Cloudonix domain, …). */
  accountId?: string;
  from?: string;
  to?: string;
  /** Custom parameters passed by the integrator, flattened to strings. */
  customParameters: Record<string, string>;
  /** Audio format of inbound (and, unless the provider says otherwise, outbound) media. */
  mediaFormat: MediaFormat;
  /** The provider's `start` payload as received (for `logs.inbound_webhook`); never audio. */
  metadata: Record<string, unknown>;
}

/** One chunk of caller audio, already base64-decoded, in the wire encoding of {@link StartEvent.mediaFormat}. */
export interface MediaEvent {
  type: 'media';
  payload: Buffer;
  /** Provider sequence number, when present. */
  sequence?: number;
  /** Milliseconds since stream start, when present. */
  timestampMs?: number;
}

/** A DTMF digit pressed by the caller. */
export interface DtmfEvent {
  type: 'dtmf';
  digit: string;
  durationMs?: number;
}

/**
 * A playback marker the provider echoes once the audio before it has been played (or cleared):
 * Twilio-style `mark`, Vobiz/Plivo `playedStream`.
 */
export interface MarkEvent {
  type: 'mark';
  name: string;
}

/**
 * The provider confirms a `clear` (Vobiz/Plivo `clearedAudio`): everything buffered before it was
 * dropped, and playback markers sent before it will not be acknowledged any more.
 */
export interface ClearedEvent {
  type: 'cleared';
}

/** The provider ends the stream. */
export interface StopEvent {
  type: 'stop';
  /** Why the provider stopped the stream, as sent (Exotel: `callended` or `stopped`). */
  reason?: string;
}
