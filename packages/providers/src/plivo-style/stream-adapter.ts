import { AudioEncoding } from '@vr3/protocol';
import type { CallEvent, MediaFormat, StartEvent } from '@vr3/protocol';
import type { ProviderName } from '../provider-name.ts';
import type { ClearAck, HandshakeOrder, OutboundFraming, ProviderSettingSpec, ProviderSettings, StreamAdapter } from '../adapter.ts';
import { parseEventFrame } from '../frame-fields.ts';
import { settingValue, twentyMsFraming } from '../settings.ts';
import { parseStop } from '../twilio-style/frames.ts';
import { notBound } from '../twilio-style/stream-adapter.ts';
import { parsePlayedStream, parsePlivoDtmf, parsePlivoMedia, parsePlivoStart } from './frames.ts';

/**
 * Byte order of inbound L16. Vobiz documents inbound `media` L16 as big-endian (network order);
 * nothing else confirms it, so it is a per-configuration setting with that default.
 */
export const L16_INBOUND_BYTE_ORDER: ProviderSettingSpec = Object.freeze({
  key: 'l16_inbound_byte_order',
  values: Object.freeze(['big', 'little']),
  default: 'big',
  description: 'Byte order of L16 audio in inbound media frames.',
});

/** Byte order of outbound L16: Vobiz's `playAudio` docs say little-endian. */
export const L16_OUTBOUND_BYTE_ORDER: ProviderSettingSpec = Object.freeze({
  key: 'l16_outbound_byte_order',
  values: Object.freeze(['little', 'big']),
  default: 'little',
  description: 'Byte order of L16 audio sent in playAudio.',
});

/** Settings of Plivo-style providers. */
export const PLIVO_STYLE_SETTINGS: readonly ProviderSettingSpec[] = Object.freeze([L16_INBOUND_BYTE_ORDER, L16_OUTBOUND_BYTE_ORDER]);

const UNBOUND = '';

function isL16(encoding: string): boolean {
  return encoding === AudioEncoding.Pcm16Be || encoding === AudioEncoding.Pcm16Le;
}

function withByteOrder(format: MediaFormat, order: string): MediaFormat {
  if (!isL16(format.encoding)) return { encoding: format.encoding, sampleRate: format.sampleRate };
  return { encoding: order === 'little' ? AudioEncoding.Pcm16Le : AudioEncoding.Pcm16Be, sampleRate: format.sampleRate };
}

/**
 * Stream adapter for Plivo-style sockets (Plivo `<Stream>`, Vobiz `<Stream>`): `start` comes first
 * (no `connected`); inbound `media`, `dtmf`, `playedStream` (→ `mark`), `clearedAudio`
 * (→ `cleared`), and a `stop` when one is sent (the documented end is the socket closing).
 * Outbound: `playAudio` with `contentType`/`sampleRate` of the negotiated format and `streamId`,
 * `checkpoint`, `clearAudio`, in 20 ms messages.
 */
export class PlivoStyleStreamAdapter implements StreamAdapter {
  readonly handshake: HandshakeOrder = 'start-first';
  readonly clearAck: ClearAck = 'cleared-event';

  #inbound: MediaFormat;
  #outbound: MediaFormat;
  #framing: OutboundFraming;
  #mediaPrefix = '';
  #markPrefix = '';
  #clear = UNBOUND;

  constructor(
    readonly provider: ProviderName,
    private readonly defaultFormat: MediaFormat,
  ) {
    this.#inbound = { ...defaultFormat };
    this.#outbound = withByteOrder(defaultFormat, L16_OUTBOUND_BYTE_ORDER.default);
    this.#framing = twentyMsFraming(this.#outbound);
  }

  parse(data: Buffer | string, isBinary: boolean): CallEvent | null {
    const frame = parseEventFrame(data, isBinary);
    switch (frame.event) {
      case 'media':
        return parsePlivoMedia(frame);
      case 'playedStream':
        return { type: 'mark', name: parsePlayedStream(frame) };
      case 'clearedAudio':
        return { type: 'cleared' };
      case 'dtmf':
        return parsePlivoDtmf(frame);
      case 'start':
        return parsePlivoStart(frame, this.defaultFormat);
      case 'stop':
        return parseStop(frame);
      default:
        return null;
    }
  }

  bind(start: StartEvent, settings?: ProviderSettings): void {
    this.#inbound = withByteOrder(start.mediaFormat, settingValue(settings, L16_INBOUND_BYTE_ORDER));
    this.#outbound = withByteOrder(start.mediaFormat, settingValue(settings, L16_OUTBOUND_BYTE_ORDER));
    this.#framing = twentyMsFraming(this.#outbound);
    const sid = JSON.stringify(start.streamId);
    const contentType = isL16(this.#outbound.encoding) ? 'audio/x-l16' : 'audio/x-mulaw';
    this.#mediaPrefix = `{"event":"playAudio","streamId":${sid},"media":{"contentType":"${contentType}","sampleRate":${this.#outbound.sampleRate},"payload":"`;
    this.#markPrefix = `{"event":"checkpoint","streamId":${sid},"name":`;
    this.#clear = `{"event":"clearAudio","streamId":${sid}}`;
  }

  inboundFormat(): MediaFormat {
    return this.#inbound;
  }

  outboundFormat(): MediaFormat {
    return this.#outbound;
  }

  outboundFraming(): OutboundFraming {
    return this.#framing;
  }

  media(payload: Buffer): string {
    if (this.#clear === UNBOUND) throw notBound();
    return this.#mediaPrefix + payload.toString('base64') + '"}}';
  }

  mark(name: string): string {
    if (this.#clear === UNBOUND) throw notBound();
    return this.#markPrefix + JSON.stringify(name) + '}';
  }

  clear(): string {
    if (this.#clear === UNBOUND) throw notBound();
    return this.#clear;
  }
}
