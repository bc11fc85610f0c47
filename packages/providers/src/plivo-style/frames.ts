/**
 * Inbound frame readers for Plivo-style sockets (Plivo, Vobiz): `start` (nested under `start` in
 * the current docs, flat in Vobiz's older page), `media`, `dtmf`, `playedStream`, `clearedAudio`
 * and an optional `stop`. camelCase or snake_case keys; numbers as numbers or strings.
 * Internal to the package.
 */
import { AudioEncoding } from '@vr3/protocol';
import type { DtmfEvent, MediaEvent, MediaFormat, StartEvent } from '@vr3/protocol';
import { decodeBase64, flattenParameters, isJsonObject, malformed, pick, readCount, readId, readText } from '../frame-fields.ts';
import type { JsonObject } from '../frame-fields.ts';
import { readMediaFormat } from '../media-format.ts';

/**
 * Encodings in Plivo/Vobiz `contentType`s. L16 reads as big-endian (network order, and what Vobiz
 * documents for inbound media); the adapter applies the configuration's byte-order settings at bind.
 */
export const PLIVO_STYLE_ENCODINGS: Readonly<Record<string, AudioEncoding>> = Object.freeze({
  'audio/x-l16': AudioEncoding.Pcm16Be,
  'audio/l16': AudioEncoding.Pcm16Be,
  l16: AudioEncoding.Pcm16Be,
  'audio/x-mulaw': AudioEncoding.Mulaw,
  'audio/mulaw': AudioEncoding.Mulaw,
  'audio/pcmu': AudioEncoding.Mulaw,
  mulaw: AudioEncoding.Mulaw,
  ulaw: AudioEncoding.Mulaw,
});

/** Reads the audio format from `mediaFormat` (nested docs) or a `contentType` MIME string (flat docs). */
function readFormat(start: JsonObject, frame: JsonObject, fallback: MediaFormat): MediaFormat {
  const object = pick(start, 'mediaFormat', 'media_format');
  if (object !== undefined && object !== null) return readMediaFormat(object, fallback, PLIVO_STYLE_ENCODINGS);
  const contentType = pick(start, 'contentType', 'content_type') ?? pick(frame, 'contentType', 'content_type');
  if (contentType === undefined || contentType === null) return { ...fallback };
  const rate = pick(start, 'sampleRate', 'sample_rate');
  return readMediaFormat(rate === undefined ? { encoding: contentType } : { encoding: contentType, sampleRate: rate }, fallback, PLIVO_STYLE_ENCODINGS);
}

/** Reads `start`, nested (`{"event":"start","start":{…},"extra_headers"}`) or flat (ids at the top level). */
export function parsePlivoStart(frame: JsonObject, fallback: MediaFormat): StartEvent {
  const raw = frame.start;
  if (raw !== undefined && !isJsonObject(raw)) throw malformed('"start" is not an object');
  const nested = raw !== undefined;
  const start: JsonObject = raw ?? frame;
  const id = (camel: string, snake: string): string | undefined => readId(pick(start, camel, snake)) ?? readId(pick(frame, camel, snake));
  const streamId = id('streamId', 'stream_id');
  if (streamId === undefined) throw malformed('"start.streamId" is missing');

  const headers = pick(frame, 'extra_headers', 'extraHeaders') ?? pick(start, 'extra_headers', 'extraHeaders');
  const metadata: JsonObject = nested ? { ...start } : { ...frame };
  if (!nested) delete metadata.event;
  else if (headers !== undefined && metadata.extra_headers === undefined && metadata.extraHeaders === undefined) metadata.extra_headers = headers;

  const event: StartEvent = {
    type: 'start',
    streamId,
    customParameters: flattenParameters(headers),
    mediaFormat: readFormat(start, frame, fallback),
    metadata,
  };
  const callId = id('callId', 'call_id') ?? readId(frame.CallUUID);
  const accountId = id('accountId', 'account_id');
  const from = readText(start.from) ?? readText(frame.from);
  const to = readText(start.to) ?? readText(frame.to);
  if (callId !== undefined) event.callId = callId;
  if (accountId !== undefined) event.accountId = accountId;
  if (from !== undefined) event.from = from;
  if (to !== undefined) event.to = to;
  return event;
}

/**
 * `media`: base64 `media.payload`; media on an outbound track is not caller audio (`null`).
 * `media.timestamp` is Unix epoch milliseconds on these providers, not time since stream start,
 * so it is not reported.
 */
export function parsePlivoMedia(frame: JsonObject): MediaEvent | null {
  const media = frame.media;
  if (!isJsonObject(media)) throw malformed('"media" is missing or not an object');
  if (typeof media.payload !== 'string') throw malformed('"media.payload" is missing or not a string');
  if (media.track === 'outbound') return null;
  const event: MediaEvent = { type: 'media', payload: decodeBase64(media.payload) };
  const sequence = readCount(pick(frame, 'sequenceNumber', 'sequence_number'));
  if (sequence !== undefined) event.sequence = sequence;
  return event;
}

/** `dtmf`: `dtmf.digit` (Plivo, with `track`/`timestamp`), or a top-level `digit`. */
export function parsePlivoDtmf(frame: JsonObject): DtmfEvent {
  const dtmf = frame.dtmf;
  const digit = isJsonObject(dtmf) ? dtmf.digit : (frame.digit ?? dtmf);
  if (typeof digit !== 'string' || digit === '') throw malformed('"dtmf.digit" is missing or not a string');
  const event: DtmfEvent = { type: 'dtmf', digit };
  const durationMs = isJsonObject(dtmf) ? readCount(dtmf.duration) : undefined;
  if (durationMs !== undefined) event.durationMs = durationMs;
  return event;
}

/** `playedStream`: the checkpoint `name` (top level; nested under `checkpoint` also accepted). */
export function parsePlayedStream(frame: JsonObject): string {
  const nested = isJsonObject(frame.checkpoint) ? frame.checkpoint.name : undefined;
  const name = frame.name ?? nested;
  if (typeof name !== 'string' || name === '') throw malformed('"playedStream.name" is missing or not a string');
  return name;
}
