import type { AudioEncoding, CallEvent, MediaFormat, StartEvent } from '@vr3/protocol';
import type { ProviderName } from '../provider-name.ts';
import type { ClearAck, HandshakeOrder, OutboundFraming, ProviderSettings, StreamAdapter } from '../adapter.ts';
import { base64Length, encodeBase64Into } from '../base64-bytes.ts';
import { ProviderFrameError } from '../errors.ts';
import { parseEventFrame, requireObject } from '../frame-fields.ts';
import { FALLBACK, parseMediaFast } from './fast-media.ts';
import { parseConnected, parseDtmf, parseMedia, parseStart, parseStop, requireString } from './frames.ts';

/** What distinguishes one Twilio-style provider from another. */
export interface TwilioStyleProfile {
  readonly provider: ProviderName;
  /** Format when `start` announces none. */
  readonly defaultFormat: MediaFormat;
  /** Encoding names the provider uses (lower-case, no MIME parameters). */
  readonly encodings: Readonly<Record<string, AudioEncoding>>;
  /** Read `start.session` as the REST session id (Cloudonix). */
  readonly readsSession: boolean;
  /** Key carrying the stream id on outbound frames, given the configuration's settings. */
  outboundIdKey(settings: ProviderSettings | undefined): string;
  /** Outbound message size for the negotiated format. */
  framing(format: MediaFormat): OutboundFraming;
}

const UNBOUND = '';

/**
 * Stream adapter for Twilio-style sockets: Twilio Media Streams, Cloudonix `<Connect><Stream>`,
 * Exotel Voicebot. Inbound `connected`, `start`, `media`, `dtmf`, `mark`, `stop`, in camelCase or
 * snake_case; media on an outbound track parses to `null`. Outbound `media`, `mark`, `clear`, each
 * carrying the stream id under the profile's key. The provider plays back the format it sends.
 *
 * Inbound `media` frames in plain form are read without `JSON.parse` ({@link parseMediaFast});
 * anything else goes through `JSON.parse`, with the same results.
 * Outbound frames are concatenations of JSON prefixes computed once in {@link bind}: no
 * per-frame object serialization and no per-frame closures.
 */
export class TwilioStyleStreamAdapter implements StreamAdapter {
  readonly provider: ProviderName;
  readonly handshake: HandshakeOrder = 'connected-then-start';
  readonly clearAck: ClearAck = 'marks-echoed';

  readonly #profile: TwilioStyleProfile;
  #format: MediaFormat;
  #framing: OutboundFraming;
  #mediaPrefix = '';
  #mediaPrefixBytes = Buffer.alloc(0);
  #markPrefix = '';
  #clear = UNBOUND;

  constructor(profile: TwilioStyleProfile) {
    this.#profile = profile;
    this.provider = profile.provider;
    this.#format = { ...profile.defaultFormat };
    this.#framing = profile.framing(this.#format);
  }

  parse(data: Buffer | string, isBinary: boolean): CallEvent | null {
    if (!isBinary && typeof data !== 'string') {
      const fast = parseMediaFast(data);
      if (fast !== FALLBACK) return fast;
    }
    const frame = parseEventFrame(data, isBinary);
    switch (frame.event) {
      case 'media':
        return parseMedia(frame);
      case 'mark':
        return { type: 'mark', name: requireString(requireObject(frame, 'mark'), 'name', 'mark.name') };
      case 'dtmf':
        return parseDtmf(requireObject(frame, 'dtmf'));
      case 'start':
        return parseStart(frame, { fallback: this.#profile.defaultFormat, encodings: this.#profile.encodings, session: this.#profile.readsSession });
      case 'connected':
        return parseConnected(frame);
      case 'stop':
        return parseStop(frame);
      default:
        return null;
    }
  }

  bind(start: StartEvent, settings?: ProviderSettings): void {
    const key = JSON.stringify(this.#profile.outboundIdKey(settings));
    const sid = JSON.stringify(start.streamId);
    this.#format = { encoding: start.mediaFormat.encoding, sampleRate: start.mediaFormat.sampleRate };
    this.#framing = this.#profile.framing(this.#format);
    this.#mediaPrefix = `{"event":"media",${key}:${sid},"media":{"payload":"`;
    this.#mediaPrefixBytes = Buffer.from(this.#mediaPrefix, 'utf8');
    this.#markPrefix = `{"event":"mark",${key}:${sid},"mark":{"name":`;
    this.#clear = `{"event":"clear",${key}:${sid}}`;
  }

  /** The format announced in `start`; the profile's default before {@link bind}. */
  inboundFormat(): MediaFormat {
    return this.#format;
  }

  /** Twilio-style providers play back what they send: the inbound format. */
  outboundFormat(): MediaFormat {
    return this.#format;
  }

  outboundFraming(): OutboundFraming {
    return this.#framing;
  }

  media(payload: Buffer): string {
    if (this.#clear === UNBOUND) throw notBound();
    return this.#mediaPrefix + payload.toString('base64') + '"}}';
  }

  /** {@link media} as bytes: the prefix copied, the payload base64-encoded after it, `"}}`. */
  mediaBytes(payload: Buffer): Buffer {
    if (this.#clear === UNBOUND) throw notBound();
    const prefix = this.#mediaPrefixBytes;
    const at = prefix.length;
    const b64 = base64Length(payload.length);
    const out = Buffer.allocUnsafe(at + b64 + 3);
    prefix.copy(out, 0);
    encodeBase64Into(payload, out, at);
    out[at + b64] = 0x22; // "
    out[at + b64 + 1] = 0x7d; // }
    out[at + b64 + 2] = 0x7d; // }
    return out;
  }

  mark(name: string): string {
    if (this.#clear === UNBOUND) throw notBound();
    return this.#markPrefix + JSON.stringify(name) + '}}';
  }

  clear(): string {
    if (this.#clear === UNBOUND) throw notBound();
    return this.#clear;
  }
}

export function notBound(): ProviderFrameError {
  return new ProviderFrameError('adapter_not_bound', 'outbound frame requested before bind()');
}
