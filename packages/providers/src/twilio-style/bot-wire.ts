/**
 * The provider's side of Twilio-style media streams — Twilio Media Streams, Cloudonix
 * `<Connect><Stream>`, Exotel Voicebot — toward a bot written for one of them: `connected`, `start`,
 * `media`, `dtmf`, `mark` echoes and `stop` out, in the provider's spelling; the bot's `media`,
 * `mark` and `clear` in. One {@link TwilioStyleBotWire} per stream; each provider is a
 * {@link TwilioStyleBotDialect}.
 */
import type { MediaFormat } from '@vr3/protocol';
import { MULAW_8K } from '@vr3/protocol';
import { base64Length, encodeBase64Into } from '../base64-bytes.ts';
import { asBuffer, audioMs, randomHex } from '../bot-wire.ts';
import type { BotEvent, BotStreamCall, BotStreamIds } from '../bot-wire.ts';
import { decodeBase64, malformed, parseEventFrame, requireObject } from '../frame-fields.ts';
import type { JsonObject } from '../frame-fields.ts';
import { FALLBACK, parseMediaFast } from './fast-media.ts';
import { requireString } from './frames.ts';

/** Providers speaking the Twilio-style protocol toward a bot. */
export type TwilioStyleBotProvider = 'twilio' | 'cloudonix' | 'exotel';

/** How one Twilio-style provider spells the frames it sends. */
export interface TwilioStyleBotDialect {
  readonly provider: TwilioStyleBotProvider;
  /** snake_case keys (`stream_sid`, `sequence_number`: Exotel) instead of camelCase. */
  readonly snake: boolean;
  /** Format the provider streams unless the call says otherwise. */
  readonly defaultFormat: MediaFormat;
  /** Fresh ids for one call, in the provider's style. */
  newIds(): BotStreamIds;
  /** The `connected` frame. */
  connected(): JsonObject;
  /** The `start` object (the value of `start` in `{"event":"start",…}`). */
  start(call: BotStreamCall): JsonObject;
  /** The `stop` object; `reason` where the provider sends one (Exotel). */
  stop(call: BotStreamCall, reason: string | undefined): JsonObject;
}

const twilioIds = (): BotStreamIds => ({ streamId: `MZ${randomHex(16)}`, callId: `CA${randomHex(16)}` });

/**
 * Twilio Media Streams: `connected` (protocol `Call` 1.0.0); `start` with `accountSid`, `streamSid`,
 * `callSid`, `tracks`, μ-law 8 kHz `mediaFormat` and the `<Parameter>`s as `customParameters`
 * (Twilio's `start` has no numbers: put them in the parameters); `stop` with `accountSid`/`callSid`.
 */
export const twilioBotDialect: TwilioStyleBotDialect = Object.freeze({
  provider: 'twilio',
  snake: false,
  defaultFormat: MULAW_8K,
  newIds: twilioIds,
  connected: () => ({ event: 'connected', protocol: 'Call', version: '1.0.0' }),
  start: (c: BotStreamCall) => ({
    accountSid: c.accountId,
    streamSid: c.streamId,
    callSid: c.callId,
    tracks: ['inbound'],
    mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
    customParameters: { ...c.customParameters },
  }),
  stop: (c: BotStreamCall) => ({ accountSid: c.accountId, callSid: c.callId }),
});

const CLOUDONIX_ENCODINGS: Readonly<Record<string, string>> = { mulaw: 'audio/x-mulaw', alaw: 'audio/x-alaw', pcm16be: 'audio/L16', pcm16le: 'audio/L16' };

/**
 * Cloudonix `<Connect><Stream>`: Twilio's frames plus `start.session` (the REST session token),
 * the domain as `accountSid`, `from`/`to` and `context`; `stop` adds `session`.
 */
export const cloudonixBotDialect: TwilioStyleBotDialect = Object.freeze({
  provider: 'cloudonix',
  snake: false,
  defaultFormat: MULAW_8K,
  newIds: () => ({ ...twilioIds(), session: randomHex(16) }),
  connected: () => ({ event: 'connected', protocol: 'Call', version: '1.0.0' }),
  start: (c: BotStreamCall) => ({
    streamSid: c.streamId,
    callSid: c.callId,
    session: c.session,
    accountSid: c.accountId,
    from: c.from,
    to: c.to,
    customParameters: { ...c.customParameters },
    context: 'inbound',
    tracks: ['inbound'],
    mediaFormat: { encoding: CLOUDONIX_ENCODINGS[c.format.encoding], sampleRate: c.format.sampleRate, channels: 1 },
  }),
  stop: (c: BotStreamCall) => ({ accountSid: c.accountId, callSid: c.callId, session: c.session }),
});

/**
 * Exotel AgentStream (Voicebot applet, seed 002): snake_case, `connected` alone; `start` with
 * `stream_sid`, `call_sid`, `account_sid`, `from`, `to`, `custom_parameters` and `media_format`
 * (`audio/x-raw`, rate and bit rate as strings); `dtmf` with `duration`; `stop` with `reason`
 * (`callended` when the caller hung up, `stopped` otherwise).
 */
export const exotelBotDialect: TwilioStyleBotDialect = Object.freeze({
  provider: 'exotel',
  snake: true,
  defaultFormat: Object.freeze({ encoding: 'pcm16le', sampleRate: 8000 }) as MediaFormat,
  newIds: twilioIds,
  connected: () => ({ event: 'connected' }),
  start: (c: BotStreamCall) => ({
    stream_sid: c.streamId,
    call_sid: c.callId,
    account_sid: c.accountId,
    from: c.from,
    to: c.to,
    custom_parameters: { ...c.customParameters },
    media_format: { encoding: c.format.encoding === 'mulaw' ? 'audio/x-mulaw' : 'audio/x-raw', sample_rate: String(c.format.sampleRate), bit_rate: '16' },
  }),
  stop: (c: BotStreamCall, reason: string | undefined) => ({ call_sid: c.callId, account_sid: c.accountId, reason: reason ?? 'callended' }),
});

/** Twilio-style dialects by provider. */
export const TWILIO_STYLE_BOT_DIALECTS: Readonly<Record<TwilioStyleBotProvider, TwilioStyleBotDialect>> = Object.freeze({
  twilio: twilioBotDialect,
  cloudonix: cloudonixBotDialect,
  exotel: exotelBotDialect,
});

/**
 * One Twilio-style stream toward a bot. Builds the provider's frames (text JSON, counters as
 * strings, the stream id under the dialect's key, `media.timestamp` in ms of audio since the start)
 * and reads the bot's `media`, `mark` and `clear` (plain `media` frames without `JSON.parse`).
 * Unknown bot events read as `null`; unusable frames throw `malformed_frame`.
 */
export class TwilioStyleBotWire {
  readonly dialect: TwilioStyleBotDialect;
  #call: BotStreamCall;
  #streamKey: string;
  #sequenceKey: string;
  #sid = '';
  /** {@link mediaBytes}' constant pieces (UTF-8): up to the sequence number, after it to the chunk. */
  #mediaHead: Buffer = Buffer.alloc(0);
  #mediaMid: Buffer = Buffer.alloc(0);
  #sequence = 0;
  #chunk = 0;
  #audioMs = 0;

  constructor(dialect: TwilioStyleBotDialect, call: BotStreamCall) {
    this.dialect = dialect;
    this.#streamKey = dialect.snake ? 'stream_sid' : 'streamSid';
    this.#sequenceKey = dialect.snake ? 'sequence_number' : 'sequenceNumber';
    this.#call = call;
    this.#setCall(call);
  }

  /** The stream identity frames are built for (the one given to the last {@link start}). */
  get call(): BotStreamCall {
    return this.#call;
  }

  connected(): string {
    return JSON.stringify(this.dialect.connected());
  }

  /** The `start` frame for `call` (default: the constructor's); later frames carry its stream id. */
  start(call: BotStreamCall = this.#call): string {
    this.#setCall(call);
    return JSON.stringify({ event: 'start', [this.#sequenceKey]: this.#next(), [this.#streamKey]: call.streamId, start: this.dialect.start(call) });
  }

  /** One `media` frame carrying `audio` (bytes in the announced format). */
  media(audio: Uint8Array): string {
    const timestamp = Math.floor(this.#audioMs);
    this.#audioMs += audioMs(this.#call.format, audio.byteLength);
    const chunk = ++this.#chunk;
    const track = this.dialect.snake ? '' : '"track":"inbound",';
    return `{"event":"media","${this.#sequenceKey}":"${this.#next()}","${this.#streamKey}":${this.#sid},"media":{${track}"chunk":"${chunk}","timestamp":"${timestamp}","payload":"${asBuffer(audio).toString('base64')}"}}`;
  }

  /**
   * {@link media} as the UTF-8 bytes of the same text frame, built straight into one Buffer (no
   * string, no base64 string): the constant pieces are copied, the counters written as digits, the
   * payload base64-encoded in place. Advances the counters exactly as {@link media} does.
   */
  mediaBytes(audio: Uint8Array): Buffer {
    const timestamp = Math.floor(this.#audioMs);
    this.#audioMs += audioMs(this.#call.format, audio.byteLength);
    const chunk = ++this.#chunk;
    const sequence = ++this.#sequence;
    const head = this.#mediaHead;
    const mid = this.#mediaMid;
    const b64 = base64Length(audio.byteLength);
    const size = head.length + digits(sequence) + mid.length + digits(chunk) + TIMESTAMP.length + digits(timestamp) + PAYLOAD.length + b64 + TAIL.length;
    const out = Buffer.allocUnsafe(size);
    let at = head.copy(out, 0);
    at = writeDigits(out, at, sequence);
    at += mid.copy(out, at);
    at = writeDigits(out, at, chunk);
    at += TIMESTAMP.copy(out, at);
    at = writeDigits(out, at, timestamp);
    at += PAYLOAD.copy(out, at);
    at = encodeBase64Into(audio, out, at);
    TAIL.copy(out, at);
    return out;
  }

  /** A caller key press (`duration` in ms where the dialect sends one and it is known). */
  dtmf(digit: string, durationMs?: number): string {
    const dtmf = this.dialect.snake ? { digit, ...(durationMs === undefined ? {} : { duration: String(durationMs) }) } : { track: 'inbound_track', digit };
    return JSON.stringify({ event: 'dtmf', [this.#streamKey]: this.#call.streamId, [this.#sequenceKey]: this.#next(), dtmf });
  }

  /** The echo of the bot's mark `name`: the audio before it has played (or was cleared). */
  mark(name: string): string {
    return JSON.stringify({ event: 'mark', [this.#sequenceKey]: this.#next(), [this.#streamKey]: this.#call.streamId, mark: { name } });
  }

  /** `stop`: the stream ends (Exotel: with `reason`). */
  stop(reason?: string): string {
    return JSON.stringify({ event: 'stop', [this.#sequenceKey]: this.#next(), [this.#streamKey]: this.#call.streamId, stop: this.dialect.stop(this.#call, reason) });
  }

  /** Reads one bot frame. Binary frames, invalid JSON and missing fields throw `malformed_frame`. */
  parse(data: Buffer | string, isBinary: boolean): BotEvent | null {
    if (!isBinary && typeof data !== 'string') {
      const fast = parseMediaFast(data);
      if (fast !== FALLBACK) return fast === null ? null : { type: 'media', payload: fast.payload };
    }
    return this.read(parseEventFrame(data, isBinary));
  }

  /** Reads one bot frame already parsed to an object with an `event`. */
  read(frame: JsonObject & { event: string }): BotEvent | null {
    switch (frame.event) {
      case 'media': {
        const payload = requireObject(frame, 'media').payload;
        if (typeof payload !== 'string') throw malformed('"media.payload" is missing or not a string');
        return { type: 'media', payload: decodeBase64(payload) };
      }
      case 'mark':
        return { type: 'mark', name: requireString(requireObject(frame, 'mark'), 'name', 'mark.name') };
      case 'clear':
        return { type: 'clear' };
      default:
        return null;
    }
  }

  #next(): string {
    return String(++this.#sequence);
  }

  #setCall(call: BotStreamCall): void {
    this.#call = call;
    this.#sid = JSON.stringify(call.streamId);
    const track = this.dialect.snake ? '' : '"track":"inbound",';
    this.#mediaHead = Buffer.from(`{"event":"media","${this.#sequenceKey}":"`, 'utf8');
    this.#mediaMid = Buffer.from(`","${this.#streamKey}":${this.#sid},"media":{${track}"chunk":"`, 'utf8');
  }
}

const TIMESTAMP = Buffer.from('","timestamp":"', 'latin1');
const PAYLOAD = Buffer.from('","payload":"', 'latin1');
const TAIL = Buffer.from('"}}', 'latin1');

/** Decimal digits of a non-negative integer. */
function digits(n: number): number {
  let count = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    count++;
  }
  return count;
}

/** Writes a non-negative integer's decimal digits at `at`; returns the end offset. */
function writeDigits(out: Buffer, at: number, n: number): number {
  const end = at + digits(n);
  let p = end;
  do {
    const q = Math.floor(n / 10);
    out[--p] = 0x30 + n - q * 10;
    n = q;
  } while (n > 0);
  return end;
}
