import { randomUUID } from 'node:crypto';
import type { MediaFormat, ProviderName } from '@vr3/protocol';
import { FakePlayout } from './fake-playout.ts';
import type { CloseInfo, MediaCallInfo, MediaCallOptions, MediaClientOptions, ProviderMediaClient } from './media-client.ts';
import { MediaSocket } from './media-socket.ts';
import type { OpenedSocket } from './media-socket.ts';
import { hex } from './twilio-style-media-client.ts';
import { bufferOf, decodeWire, encodeWire, wireMs } from './wire-audio.ts';

/** Options of the Vobiz and Plivo media clients. */
export interface PlivoStyleClientOptions extends MediaClientOptions {
  /** Send the older flat `start` (ids at the top level, `contentType` string) instead of the nested one. Default false. */
  flatStart?: boolean;
  /** Byte order of L16 this peer sends. Default `big` (Vobiz's documented inbound order). */
  l16InboundByteOrder?: 'big' | 'little';
  /** Byte order of L16 this peer expects in `playAudio`. Default `little` (documented). */
  l16OutboundByteOrder?: 'big' | 'little';
}

const isL16 = (f: MediaFormat): boolean => f.encoding === 'pcm16be' || f.encoding === 'pcm16le';
const l16 = (order: 'big' | 'little', rate: number): MediaFormat => ({ encoding: order === 'big' ? 'pcm16be' : 'pcm16le', sampleRate: rate });

/**
 * A fake Plivo-style media peer (Vobiz, Plivo `<Stream bidirectional="true">`): `start` first (no
 * `connected`), `media` with numeric counters, `dtmf`; answers `checkpoint` with `playedStream` and
 * `clearAudio` with `clearedAudio` (pending checkpoints are dropped, as documented), and hangs up
 * by closing the socket. `playAudio` frames whose `contentType`/`sampleRate` differ from the
 * negotiated format are counted in {@link formatMismatches}.
 */
export class PlivoStyleMediaClient extends MediaSocket implements ProviderMediaClient {
  readonly marks: string[] = [];
  clears = 0;
  /** `playAudio` frames not in the negotiated format. */
  formatMismatches = 0;
  call: MediaCallInfo;
  readonly #playout: FakePlayout;
  readonly #ackMode: NonNullable<MediaClientOptions['ackMode']>;
  readonly #audio: Buffer[] = [];
  readonly #flat: boolean;
  readonly #inOrder: 'big' | 'little';
  readonly #outOrder: 'big' | 'little';
  #sequence = 0;

  protected constructor(
    socket: OpenedSocket,
    opts: PlivoStyleClientOptions,
    readonly provider: ProviderName,
    defaultFormat: MediaFormat,
    defaultAccount: string,
  ) {
    super(socket, opts);
    this.#ackMode = opts.ackMode ?? 'immediate';
    this.#playout = new FakePlayout(this.#ackMode, (name) => this.sendJson({ event: 'playedStream', sequenceNumber: this.#next(), streamId: this.call.streamId, name }));
    this.#flat = opts.flatStart ?? false;
    this.#inOrder = opts.l16InboundByteOrder ?? 'big';
    this.#outOrder = opts.l16OutboundByteOrder ?? 'little';
    this.call = { streamId: randomUUID(), callId: randomUUID(), accountId: defaultAccount, from: '+15551230001', to: '+15551230002', customParameters: {}, format: { ...defaultFormat } };
  }

  /** Wire format of the audio this peer sends. */
  get format(): MediaFormat {
    return isL16(this.call.format) ? l16(this.#inOrder, this.call.format.sampleRate) : this.call.format;
  }

  /** Wire format this peer expects in `playAudio`. */
  get outboundFormat(): MediaFormat {
    return isL16(this.call.format) ? l16(this.#outOrder, this.call.format.sampleRate) : this.call.format;
  }

  begin(call: MediaCallOptions = {}): MediaCallInfo {
    const c = this.call;
    this.call = {
      streamId: call.streamId ?? c.streamId,
      callId: call.callId ?? c.callId,
      accountId: call.accountId ?? c.accountId,
      from: call.from ?? c.from,
      to: call.to ?? c.to,
      customParameters: { ...call.customParameters },
      format: call.format ?? c.format,
    };
    const n = this.call;
    const contentType = `${isL16(n.format) ? 'audio/x-l16' : 'audio/x-mulaw'};rate=${n.format.sampleRate}`;
    const headers = Object.entries(n.customParameters).map(([k, v]) => `${k}=${v}`).join(';');
    const extra = headers === '' ? {} : { extra_headers: headers };
    if (this.#flat) {
      this.sendJson({ event: 'start', streamId: n.streamId, accountId: n.accountId, callId: n.callId, from: n.from, to: n.to, direction: 'inbound', contentType, audioTrack: 'inbound', ...extra });
    } else {
      const mediaFormat = { encoding: contentType.split(';')[0], sampleRate: n.format.sampleRate };
      this.sendJson({ event: 'start', sequenceNumber: this.#next(), start: { callId: n.callId, streamId: n.streamId, accountId: n.accountId, from: n.from, to: n.to, tracks: ['inbound'], mediaFormat }, ...extra });
    }
    return n;
  }

  sendAudio(wire: Uint8Array): void {
    const sequenceNumber = this.#next();
    const media = { track: 'inbound', timestamp: String(Date.now()), chunk: sequenceNumber, payload: bufferOf(wire).toString('base64') };
    this.sendJson({ event: 'media', sequenceNumber, streamId: this.call.streamId, media });
  }

  sendPcm(pcm: Int16Array): void {
    this.sendAudio(encodeWire(this.format, pcm));
  }

  sendDtmf(digit: string): void {
    this.sendJson({ event: 'dtmf', sequenceNumber: this.#next(), streamId: this.call.streamId, dtmf: { track: 'inbound', digit, timestamp: String(Date.now()) } });
  }

  /** Vobiz and Plivo send no `stop`: the socket just closes. */
  hangup(): Promise<CloseInfo> {
    return this.close(1000);
  }

  receivedAudio(): Buffer {
    return Buffer.concat(this.#audio);
  }

  receivedPcm(): Int16Array {
    return decodeWire(this.outboundFormat, this.receivedAudio());
  }

  protected onServerFrame(frame: Record<string, unknown>): void {
    const media = frame.media as { payload?: unknown; contentType?: unknown; sampleRate?: unknown } | undefined;
    if (frame.event === 'playAudio' && typeof media?.payload === 'string') {
      const expected = this.outboundFormat;
      const type = isL16(expected) ? 'audio/x-l16' : 'audio/x-mulaw';
      if (media.contentType !== type || Number(media.sampleRate) !== expected.sampleRate || frame.streamId !== this.call.streamId) this.formatMismatches++;
      const bytes = Buffer.from(media.payload, 'base64');
      this.#audio.push(bytes);
      this.#playout.audio(wireMs(expected, bytes.length));
    } else if (frame.event === 'checkpoint' && typeof frame.name === 'string') {
      this.marks.push(frame.name);
      this.#playout.mark(frame.name);
    } else if (frame.event === 'clearAudio') {
      this.clears++;
      this.#playout.clear();
      if (this.#ackMode !== 'never') this.sendJson({ event: 'clearedAudio', sequenceNumber: this.#next(), streamId: this.call.streamId });
    }
  }

  protected onClosed(): void {
    this.#playout.close();
  }

  #next(): number {
    return ++this.#sequence;
  }
}

/** A generated auth id (`MA` + 18 upper-case hex). */
export function testAuthId(): string {
  return `MA${hex(9).toUpperCase()}`;
}
