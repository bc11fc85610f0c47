import { MULAW_8K } from '@vr3/protocol';
import type { CallEvent, ConnectedEvent, DtmfEvent, MediaEvent, MediaFormat, StartEvent, StopEvent } from '@vr3/protocol';
import type { HandshakeOrder, StreamAdapter } from '../adapter.ts';
import { ProviderFrameError } from '../errors.ts';
import {
  decodeBase64,
  flattenParameters,
  isJsonObject,
  malformed,
  parseEventFrame,
  pick,
  readCount,
  readId,
  readText,
  requireObject,
} from '../frame-fields.ts';
import type { JsonObject } from '../frame-fields.ts';
import { readMediaFormat } from '../media-format.ts';

/** Cloudonix audio when `start` carries no `mediaFormat`: μ-law at 8 kHz. */
export const CLOUDONIX_DEFAULT_FORMAT: MediaFormat = MULAW_8K;

const CLEAR_UNBOUND = '';

/**
 * Stream adapter for Cloudonix `<Connect><Stream>` sockets (Twilio-compatible framing).
 *
 * Inbound: `connected`, `start`, `media`, `dtmf`, `mark`, `stop`; camelCase or snake_case keys,
 * numbers as numbers or strings. Media on an outbound track (`track: "outbound"`) is not caller
 * audio and parses to `null`. Outbound: `media`, `mark`, `clear`, each carrying `streamSid`.
 *
 * Outbound frames are built by concatenating JSON prefixes computed once in {@link bind}: no
 * per-frame object serialization and no per-frame closures.
 */
export class CloudonixStreamAdapter implements StreamAdapter {
  readonly provider = 'cloudonix' as const;
  readonly handshake: HandshakeOrder = 'connected-then-start';

  #format: MediaFormat = CLOUDONIX_DEFAULT_FORMAT;
  #mediaPrefix = '';
  #markPrefix = '';
  #clear = CLEAR_UNBOUND;

  parse(data: Buffer | string, isBinary: boolean): CallEvent | null {
    const frame = parseEventFrame(data, isBinary);
    switch (frame.event) {
      case 'media':
        return parseMedia(frame);
      case 'mark':
        return { type: 'mark', name: requireString(requireObject(frame, 'mark'), 'name', 'mark.name') };
      case 'dtmf':
        return parseDtmf(requireObject(frame, 'dtmf'));
      case 'start':
        return parseStart(frame);
      case 'connected':
        return parseConnected(frame);
      case 'stop':
        return parseStop(frame);
      default:
        return null;
    }
  }

  bind(start: StartEvent): void {
    const sid = JSON.stringify(start.streamId);
    this.#format = { encoding: start.mediaFormat.encoding, sampleRate: start.mediaFormat.sampleRate };
    this.#mediaPrefix = `{"event":"media","streamSid":${sid},"media":{"payload":"`;
    this.#markPrefix = `{"event":"mark","streamSid":${sid},"mark":{"name":`;
    this.#clear = `{"event":"clear","streamSid":${sid}}`;
  }

  /** The format announced in `start` (Cloudonix plays back what it sends); μ-law 8 kHz before {@link bind}. */
  outboundFormat(): MediaFormat {
    return this.#format;
  }

  media(payload: Buffer): string {
    if (this.#clear === CLEAR_UNBOUND) throw notBound();
    return this.#mediaPrefix + payload.toString('base64') + '"}}';
  }

  mark(name: string): string {
    if (this.#clear === CLEAR_UNBOUND) throw notBound();
    return this.#markPrefix + JSON.stringify(name) + '}}';
  }

  clear(): string {
    if (this.#clear === CLEAR_UNBOUND) throw notBound();
    return this.#clear;
  }
}

function notBound(): ProviderFrameError {
  return new ProviderFrameError('adapter_not_bound', 'outbound frame requested before bind()');
}

function requireString(obj: JsonObject, key: string, label: string): string {
  const v = obj[key];
  if (typeof v !== 'string' || v === '') throw malformed(`"${label}" is missing or not a string`);
  return v;
}

function parseConnected(frame: JsonObject): ConnectedEvent {
  const event: ConnectedEvent = { type: 'connected' };
  const protocol = readText(frame.protocol);
  const version = readText(frame.version);
  if (protocol !== undefined) event.protocol = protocol;
  if (version !== undefined) event.version = version;
  return event;
}

/** Reads `start`: ids from `start.*` first, then the top level (Twilio sends `streamSid` at both). */
function parseStart(frame: JsonObject): StartEvent {
  const raw = frame.start;
  if (raw !== undefined && !isJsonObject(raw)) throw malformed('"start" is not an object');
  const start: JsonObject = raw ?? {};
  const streamId = readId(pick(start, 'streamSid', 'stream_sid')) ?? readId(pick(frame, 'streamSid', 'stream_sid'));
  if (streamId === undefined) throw malformed('"start.streamSid" is missing');

  const event: StartEvent = {
    type: 'start',
    streamId,
    customParameters: flattenParameters(pick(start, 'customParameters', 'custom_parameters')),
    mediaFormat: readMediaFormat(pick(start, 'mediaFormat', 'media_format'), CLOUDONIX_DEFAULT_FORMAT),
    metadata: { ...start },
  };
  const callId = readId(pick(start, 'callSid', 'call_sid')) ?? readId(pick(frame, 'callSid', 'call_sid'));
  const sessionId = readId(start.session) ?? readId(frame.session);
  const accountId = readId(pick(start, 'accountSid', 'account_sid'));
  const from = readText(start.from);
  const to = readText(start.to);
  if (callId !== undefined) event.callId = callId;
  if (sessionId !== undefined) event.sessionId = sessionId;
  if (accountId !== undefined) event.accountId = accountId;
  if (from !== undefined) event.from = from;
  if (to !== undefined) event.to = to;
  return event;
}

function parseMedia(frame: JsonObject): MediaEvent | null {
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

function parseDtmf(dtmf: JsonObject): DtmfEvent {
  const event: DtmfEvent = { type: 'dtmf', digit: requireString(dtmf, 'digit', 'dtmf.digit') };
  const durationMs = readCount(dtmf.duration);
  if (durationMs !== undefined) event.durationMs = durationMs;
  return event;
}

function parseStop(frame: JsonObject): StopEvent {
  const stop = frame.stop;
  const reason = isJsonObject(stop) ? readText(stop.reason) : undefined;
  return reason === undefined ? { type: 'stop' } : { type: 'stop', reason };
}
