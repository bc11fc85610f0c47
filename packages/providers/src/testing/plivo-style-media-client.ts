import type { MediaFormat } from '@vr3/protocol';
import { PlivoStyleBotWire, plivoStyleAuthId } from '../plivo-style/bot-wire.ts';
import type { PlivoStyleBotDialect } from '../plivo-style/bot-wire.ts';
import { FakePlayout } from './fake-playout.ts';
import type { CloseInfo, MediaCallInfo, MediaCallOptions, MediaClientOptions, ProviderMediaClient } from './media-client.ts';
import { MediaSocket } from './media-socket.ts';
import type { OpenedSocket } from './media-socket.ts';
import { decodeWire, encodeWire, wireMs } from './wire-audio.ts';

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
  readonly provider: PlivoStyleBotDialect['provider'];
  readonly #wire: PlivoStyleBotWire;
  readonly #playout: FakePlayout;
  readonly #ackMode: NonNullable<MediaClientOptions['ackMode']>;
  readonly #audio: Buffer[] = [];

  /** `dialect` spells the provider's frames; `defaultAccount` goes into `start` unless {@link begin} says otherwise. */
  protected constructor(socket: OpenedSocket, opts: PlivoStyleClientOptions, dialect: PlivoStyleBotDialect, defaultAccount: string) {
    super(socket, opts);
    this.provider = dialect.provider;
    this.#ackMode = opts.ackMode ?? 'immediate';
    this.#playout = new FakePlayout(this.#ackMode, (name) => this.sendRaw(this.#wire.played(name)));
    const { streamId, callId } = dialect.newIds();
    this.call = { streamId, callId, accountId: defaultAccount, from: '+15551230001', to: '+15551230002', customParameters: {}, format: { ...dialect.defaultFormat } };
    this.#wire = new PlivoStyleBotWire(dialect, this.call, {
      startForm: opts.flatStart === true ? 'flat' : 'nested',
      l16CallerByteOrder: opts.l16InboundByteOrder ?? 'big',
      l16BotByteOrder: opts.l16OutboundByteOrder ?? 'little',
    });
  }

  /** Wire format of the audio this peer sends. */
  get format(): MediaFormat {
    return this.#wire.callerFormat;
  }

  /** Wire format this peer expects in `playAudio`. */
  get outboundFormat(): MediaFormat {
    return this.#wire.botFormat;
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
    this.sendRaw(this.#wire.start(this.call));
    return this.call;
  }

  sendAudio(wire: Uint8Array): void {
    this.sendRaw(this.#wire.media(wire));
  }

  sendPcm(pcm: Int16Array): void {
    this.sendAudio(encodeWire(this.format, pcm));
  }

  sendDtmf(digit: string): void {
    this.sendRaw(this.#wire.dtmf(digit));
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
      if (this.#ackMode !== 'never') this.sendRaw(this.#wire.cleared());
    }
  }

  protected onClosed(): void {
    this.#playout.close();
  }
}

/** A generated auth id (`MA` + 18 upper-case hex). */
export function testAuthId(): string {
  return plivoStyleAuthId();
}
