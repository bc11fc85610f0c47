/**
 * Inbound frame readers for Twilio-style sockets (Twilio, Cloudonix, Exotel): `connected`, `start`,
 * `media`, `dtmf`, `mark`, `stop`, in camelCase or snake_case, numbers as numbers or strings.
 * Internal to the package.
 */
import { isSafeText } from '@vr3/protocol';
import type { AudioEncoding, ConnectedEvent, DtmfEvent, MediaEvent, MediaFormat, StartEvent, StopEvent } from '@vr3/protocol';
import {
  decodeBase64,
  flattenParameters,
  isJsonObject,
  malformed,
  pick,
  readCount,
  readId,
  readText,
  requireObject,
} from '../frame-fields.ts';
import type { JsonObject } from '../frame-fields.ts';
import { readMediaFormat } from '../media-format.ts';

/** What a provider's `start` may carry beyond the Twilio fields. */
export interface StartReadOptions {
  /** Format when `start` announces none (or only part of it). */
  fallback: MediaFormat;
  /** Encoding names the provider uses, lower-cased, without MIME parameters. */
  encodings: Readonly<Record<string, AudioEncoding>>;
  /** Read `start.session` (Cloudonix: the REST session token). */
  session: boolean;
}

/** A non-empty string field; throws `malformed_frame` naming `label` otherwise. */
export function requireString(obj: JsonObject, key: string, label: string): string {
  const v = obj[key];
  if (typeof v !== 'string' || v === '') throw malformed(`"${label}" is missing or not a string`);
  return v;
}

export function parseConnected(frame: JsonObject): ConnectedEvent {
  const event: ConnectedEvent = { type: 'connected' };
  const protocol = readText(frame.protocol);
  const version = readText(frame.version);
  if (protocol !== undefined) event.protocol = protocol;
  if (version !== undefined) event.version = version;
  return event;
}

/** First caller/called number found in `start`, then in the custom parameters (TwiML `<Parameter>`). */
function number(start: JsonObject, params: Record<string, string>, names: readonly string[]): string | undefined {
  const direct = readText(start[names[0]!]);
  if (direct !== undefined) return direct;
  for (const name of names) {
    const v = params[name];
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

/** Reads `start`: ids from `start.*` first, then the top level (Twilio sends `streamSid` at both). */
export function parseStart(frame: JsonObject, o: StartReadOptions): StartEvent {
  const raw = frame.start;
  if (raw !== undefined && !isJsonObject(raw)) throw malformed('"start" is not an object');
  const start: JsonObject = raw ?? {};
  const streamId = readId(pick(start, 'streamSid', 'stream_sid')) ?? readId(pick(frame, 'streamSid', 'stream_sid'));
  if (streamId === undefined) throw malformed('"start.streamSid" is missing');

  const customParameters = flattenParameters(pick(start, 'customParameters', 'custom_parameters'));
  const event: StartEvent = {
    type: 'start',
    streamId,
    customParameters,
    mediaFormat: readMediaFormat(pick(start, 'mediaFormat', 'media_format'), o.fallback, o.encodings),
    metadata: { ...start },
  };
  const callId = readId(pick(start, 'callSid', 'call_sid')) ?? readId(pick(frame, 'callSid', 'call_sid'));
  const sessionId = o.session ? (readId(start.session) ?? readId(frame.session)) : undefined;
  const accountId = readId(pick(start, 'accountSid', 'account_sid')) ?? readId(pick(frame, 'accountSid', 'account_sid'));
  const from = number(start, customParameters, ['from', 'From', 'from_number']);
  const to = number(start, customParameters, ['to', 'To', 'to_number']);
  if (callId !== undefined) event.callId = callId;
  if (sessionId !== undefined) event.sessionId = sessionId;
  if (accountId !== undefined) event.accountId = accountId;
  if (from !== undefined) event.from = from;
  if (to !== undefined) event.to = to;
  return event;
}

export function parseMedia(frame: JsonObject): MediaEvent | null {
  const media = requireObject(frame, 'media');
  const payload = media.payload;
  if (typeof payload !== 'string') throw malformed('"media.payload" is missing or not a string');
  const track = media.track;
  if (track === 'outbound' || track === 'outbound_track') return null;
  const event: MediaEvent = { type: 'media', payload: decodeBase64(payload) };
  const sequence = readCount(pick(frame, 'sequenceNumber', 'sequence_number'));
  const timestampMs = readCount(media.timestamp);
  if (sequence !== undefined) event.sequence = sequence;
  if (timestampMs !== undefined) event.timestampMs = timestampMs;
  return event;
}

export function parseDtmf(dtmf: JsonObject): DtmfEvent {
  const event: DtmfEvent = { type: 'dtmf', digit: requireString(dtmf, 'digit', 'dtmf.digit') };
  const durationMs = readCount(dtmf.duration);
  if (durationMs !== undefined) event.durationMs = durationMs;
  return event;
}

/**
 * `stop`, with the provider's reason (`stop.reason`, else a top-level `reason`) when it is text the
 * run can record: a reason holding NUL or an unpaired surrogate is left out (the stream still ends).
 */
export function parseStop(frame: JsonObject): StopEvent {
  const stop = frame.stop;
  const reason = isJsonObject(stop) ? readText(stop.reason) : readText(frame.reason);
  return reason === undefined || !isSafeText(reason) ? { type: 'stop' } : { type: 'stop', reason };
}
