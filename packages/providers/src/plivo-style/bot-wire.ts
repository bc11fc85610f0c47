/**
 * The provider's side of Plivo-style media streams — Vobiz and Plivo `<Stream bidirectional="true">`
 * — toward a bot written for one of them: `start` first (no `connected`), `media`, `dtmf`,
 * `playedStream` (a checkpoint played) and `clearedAudio` out; the bot's `playAudio`, `checkpoint`,
 * `clearAudio` and `stop` in. At the end of the call Vobiz sends `stop` with a `reason` before the
 * socket closes (seed 004); Plivo just closes the socket. One {@link PlivoStyleBotWire} per stream.
 */
import { randomUUID } from 'node:crypto';
import { AudioEncoding } from '@vr3/protocol';
import type { MediaFormat } from '@vr3/protocol';
import { asBuffer, randomHex } from '../bot-wire.ts';
import type { BotEvent, BotStreamCall, BotStreamIds } from '../bot-wire.ts';
import { ProviderFrameError } from '../errors.ts';
import { decodeBase64, isJsonObject, malformed, parseEventFrame, pick } from '../frame-fields.ts';
import type { JsonObject } from '../frame-fields.ts';
import { PLIVO_STYLE_ENCODINGS } from './frames.ts';

/** Providers speaking the Plivo-style protocol toward a bot. */
export type PlivoStyleBotProvider = 'vobiz' | 'plivo';

/** How one Plivo-style provider spells the frames it sends. */
export interface PlivoStyleBotDialect {
  readonly provider: PlivoStyleBotProvider;
  /** Format the provider streams unless the call says otherwise (its `contentType` default). */
  readonly defaultFormat: MediaFormat;
  /** `media` frames repeat `contentType` and `sampleRate` (Vobiz's stream page). */
  readonly mediaCarriesFormat: boolean;
  /** The provider sends `stop {streamId, reason}` before closing the socket (Vobiz); else it only closes (Plivo). */
  readonly sendsStop: boolean;
  /** Fresh ids for one call (UUIDs). */
  newIds(): BotStreamIds;
}

const uuidIds = (): BotStreamIds => ({ streamId: randomUUID(), callId: randomUUID() });

/** Vobiz `<Stream>` (seeds 003/004): L16 8 kHz by default, `media` repeats the format. */
export const vobizBotDialect: PlivoStyleBotDialect = Object.freeze({
  provider: 'vobiz',
  defaultFormat: Object.freeze({ encoding: AudioEncoding.Pcm16Be, sampleRate: 8000 }) as MediaFormat,
  mediaCarriesFormat: true,
  sendsStop: true,
  newIds: uuidIds,
});

/** Plivo `<Stream>` (Stream Event Protocol): μ-law 8 kHz, the usual voice-agent setup. */
export const plivoBotDialect: PlivoStyleBotDialect = Object.freeze({
  provider: 'plivo',
  defaultFormat: Object.freeze({ encoding: AudioEncoding.Mulaw, sampleRate: 8000 }) as MediaFormat,
  mediaCarriesFormat: false,
  sendsStop: false,
  newIds: uuidIds,
});

/** Plivo-style dialects by provider. */
export const PLIVO_STYLE_BOT_DIALECTS: Readonly<Record<PlivoStyleBotProvider, PlivoStyleBotDialect>> = Object.freeze({
  vobiz: vobizBotDialect,
  plivo: plivoBotDialect,
});

/**
 * Shape of `start`: `nested` (ids in a `start` object: the current Vobiz and Plivo docs), `flat`
 * (ids and `contentType` at the top level: Vobiz's older page, seed 004), or `both` at once, which
 * a bot written against either reads.
 */
export type PlivoStyleStartForm = 'nested' | 'flat' | 'both';

/** Options of {@link PlivoStyleBotWire}. */
export interface PlivoStyleBotWireOptions {
  /** Default `both`. */
  startForm?: PlivoStyleStartForm;
  /** Byte order of L16 in our `media` frames. Default `big` (Vobiz documents inbound L16 as big-endian). */
  l16CallerByteOrder?: 'big' | 'little';
  /** Byte order of L16 expected in the bot's `playAudio`. Default `little` (documented). */
  l16BotByteOrder?: 'big' | 'little';
}

const isL16 = (encoding: string): boolean => encoding === AudioEncoding.Pcm16Be || encoding === AudioEncoding.Pcm16Le;
const l16 = (order: 'big' | 'little', sampleRate: number): MediaFormat => ({ encoding: order === 'big' ? AudioEncoding.Pcm16Be : AudioEncoding.Pcm16Le, sampleRate });

/** `k=v;k2=v2`, with `%`, `;` and `,` in keys and values percent-encoded (they would split the pairs). */
export function formatExtraHeaders(params: Readonly<Record<string, string>>): string {
  const escape = (s: string): string => s.replace(/[%;,]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return Object.entries(params)
    .map(([k, v]) => `${escape(k).replace(/=/g, '%3D')}=${escape(v)}`)
    .join(';');
}

/** An auth id in Plivo's style: `MA` + 18 upper-case hex digits. */
export function plivoStyleAuthId(): string {
  return `MA${randomHex(9).toUpperCase()}`;
}

/**
 * One Plivo-style stream toward a bot. Builds the provider's frames (text JSON, numeric counters,
 * `media.timestamp` in Unix ms as a string) and reads the bot's `playAudio` (its `contentType` and
 * `sampleRate` must match {@link botFormat}: `unsupported_media_format` otherwise), `checkpoint`,
 * `clearAudio` and `stop`. Unknown bot events (`sendDTMF` included) read as `null`; unusable frames
 * throw `malformed_frame`.
 */
export class PlivoStyleBotWire {
  readonly dialect: PlivoStyleBotDialect;
  #call: BotStreamCall;
  #sid = '';
  #sequence = 0;
  #mediaFormatFields = '';
  readonly #form: PlivoStyleStartForm;
  readonly #callerOrder: 'big' | 'little';
  readonly #botOrder: 'big' | 'little';

  constructor(dialect: PlivoStyleBotDialect, call: BotStreamCall, options: PlivoStyleBotWireOptions = {}) {
    this.dialect = dialect;
    this.#form = options.startForm ?? 'both';
    this.#callerOrder = options.l16CallerByteOrder ?? 'big';
    this.#botOrder = options.l16BotByteOrder ?? 'little';
    this.#call = call;
    this.#bind(call);
  }

  get call(): BotStreamCall {
    return this.#call;
  }

  /** Format of the audio in our `media` frames (L16 in the caller-side byte order). */
  get callerFormat(): MediaFormat {
    const f = this.#call.format;
    return isL16(f.encoding) ? l16(this.#callerOrder, f.sampleRate) : { encoding: f.encoding, sampleRate: f.sampleRate };
  }

  /** Format the bot's `playAudio` must carry (L16 in the bot-side byte order). */
  get botFormat(): MediaFormat {
    const f = this.#call.format;
    return isL16(f.encoding) ? l16(this.#botOrder, f.sampleRate) : { encoding: f.encoding, sampleRate: f.sampleRate };
  }

  /** The `start` frame for `call` (default: the constructor's); later frames carry its stream id. */
  start(call: BotStreamCall = this.#call): string {
    this.#call = call;
    this.#bind(call);
    const contentType = `${this.#contentType()};rate=${call.format.sampleRate}`;
    const headers = formatExtraHeaders(call.customParameters);
    const extra = headers === '' ? {} : { extra_headers: headers };
    const flat = { streamId: call.streamId, accountId: call.accountId, callId: call.callId, from: call.from, to: call.to, direction: 'inbound', contentType, audioTrack: 'inbound' };
    if (this.#form === 'flat') return JSON.stringify({ event: 'start', ...flat, ...extra });
    const nested = {
      callId: call.callId,
      streamId: call.streamId,
      accountId: call.accountId,
      from: call.from,
      to: call.to,
      tracks: ['inbound'],
      mediaFormat: { encoding: this.#contentType(), sampleRate: call.format.sampleRate },
    };
    const sequenceNumber = this.#next();
    if (this.#form === 'nested') return JSON.stringify({ event: 'start', sequenceNumber, start: nested, ...extra });
    return JSON.stringify({ event: 'start', sequenceNumber, ...flat, start: nested, ...extra });
  }

  /** One `media` frame carrying `audio` (bytes in {@link callerFormat}). */
  media(audio: Uint8Array): string {
    const n = this.#next();
    return `{"event":"media","sequenceNumber":${n},"streamId":${this.#sid},"media":{"track":"inbound","timestamp":"${Date.now()}","chunk":${n},${this.#mediaFormatFields}"payload":"${asBuffer(audio).toString('base64')}"}}`;
  }

  /** A caller key press. */
  dtmf(digit: string): string {
    return JSON.stringify({ event: 'dtmf', sequenceNumber: this.#next(), streamId: this.#call.streamId, dtmf: { track: 'inbound', digit, timestamp: String(Date.now()) } });
  }

  /** `playedStream`: the audio before the bot's checkpoint `name` has played. */
  played(name: string): string {
    return JSON.stringify({ event: 'playedStream', sequenceNumber: this.#next(), streamId: this.#call.streamId, name });
  }

  /** `clearedAudio`: the answer to the bot's `clearAudio`. */
  cleared(): string {
    return JSON.stringify({ event: 'clearedAudio', sequenceNumber: this.#next(), streamId: this.#call.streamId });
  }

  /** `stop` (Vobiz: `reason` `call_ended` when the caller hung up); null for a dialect that only closes the socket. */
  stop(reason: string): string | null {
    if (!this.dialect.sendsStop) return null;
    return JSON.stringify({ event: 'stop', sequenceNumber: this.#next(), streamId: this.#call.streamId, reason });
  }

  /** Reads one bot frame. Binary frames, invalid JSON and missing fields throw `malformed_frame`. */
  parse(data: Buffer | string, isBinary: boolean): BotEvent | null {
    return this.read(parseEventFrame(data, isBinary));
  }

  /** Reads one bot frame already parsed to an object with an `event`. */
  read(frame: JsonObject & { event: string }): BotEvent | null {
    switch (frame.event) {
      case 'playAudio':
        return { type: 'media', payload: this.#playAudio(frame) };
      case 'checkpoint': {
        const name = frame.name;
        if (typeof name !== 'string' || name === '') throw malformed('"checkpoint.name" is missing or not a string');
        return { type: 'mark', name };
      }
      case 'clearAudio':
        return { type: 'clear' };
      case 'stop':
        return { type: 'stop' };
      default:
        return null;
    }
  }

  #playAudio(frame: JsonObject): Buffer {
    const media = frame.media;
    if (!isJsonObject(media)) throw malformed('"media" is missing or not an object');
    if (typeof media.payload !== 'string') throw malformed('"media.payload" is missing or not a string');
    const expected = this.botFormat;
    const contentType = pick(media, 'contentType', 'content_type');
    let mimeRate: number | undefined;
    if (contentType !== undefined) {
      if (typeof contentType !== 'string') throw malformed('"media.contentType" is not a string');
      const [name = '', ...params] = contentType.toLowerCase().split(';');
      const encoding = Object.hasOwn(PLIVO_STYLE_ENCODINGS, name.trim()) ? PLIVO_STYLE_ENCODINGS[name.trim()] : undefined;
      if (encoding === undefined || isL16(encoding) !== isL16(expected.encoding)) throw mismatch();
      for (const p of params) {
        const [k, v] = p.split('=');
        if (k?.trim() === 'rate') mimeRate = Number(v);
      }
    }
    const rawRate = pick(media, 'sampleRate', 'sample_rate');
    const rate = rawRate === undefined ? mimeRate : Number(rawRate);
    if (rate !== undefined && rate !== expected.sampleRate) throw mismatch();
    return decodeBase64(media.payload);
  }

  #contentType(): string {
    return isL16(this.#call.format.encoding) ? 'audio/x-l16' : 'audio/x-mulaw';
  }

  #bind(call: BotStreamCall): void {
    this.#sid = JSON.stringify(call.streamId);
    this.#mediaFormatFields = this.dialect.mediaCarriesFormat ? `"contentType":"${this.#contentType()}","sampleRate":${call.format.sampleRate},` : '';
  }

  #next(): number {
    return ++this.#sequence;
  }
}

function mismatch(): ProviderFrameError {
  return new ProviderFrameError('unsupported_media_format', 'playAudio is not in the negotiated format');
}
