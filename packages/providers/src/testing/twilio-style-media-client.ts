import { randomBytes } from 'node:crypto';
import type { MediaFormat } from '@vr3/protocol';
import type { ProviderName } from '../provider-name.ts';
import { TwilioStyleBotWire } from '../twilio-style/bot-wire.ts';
import type { TwilioStyleBotDialect } from '../twilio-style/bot-wire.ts';
import { FakePlayout } from './fake-playout.ts';
import type { CloseInfo, MediaCallInfo, MediaCallOptions, MediaClientOptions, ProviderMediaClient } from './media-client.ts';
import { MediaSocket } from './media-socket.ts';
import type { OpenedSocket } from './media-socket.ts';
import { decodeWire, encodeWire, wireMs } from './wire-audio.ts';

export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

/**
 * A fake Twilio-style media peer (Twilio, Cloudonix, Exotel): `connected`, `start`, `media`,
 * `dtmf`, `mark` echoes and `stop` in the provider's spelling; records outbound `media`, answers
 * `mark` per the ack mode, and on `clear` flushes pending marks back (Twilio's documented behaviour).
 */
export class TwilioStyleMediaClient extends MediaSocket implements ProviderMediaClient {
  readonly provider: ProviderName;
  readonly marks: string[] = [];
  clears = 0;
  /** The identity sent in `start` (generated defaults until {@link begin}). */
  call: MediaCallInfo;
  readonly #wire: TwilioStyleBotWire;
  readonly #playout: FakePlayout;
  readonly #audio: Buffer[] = [];

  /** `dialect` spells the provider's frames; `defaultAccount` goes into `start` unless {@link begin} says otherwise. */
  constructor(socket: OpenedSocket, opts: MediaClientOptions, dialect: TwilioStyleBotDialect, defaultAccount: string) {
    super(socket, opts);
    this.provider = dialect.provider;
    this.#playout = new FakePlayout(opts.ackMode ?? 'immediate', (name) => this.sendMark(name));
    const { streamId, callId } = dialect.newIds();
    this.call = { streamId, callId, accountId: defaultAccount, from: '+15551230001', to: '+15551230002', customParameters: {}, format: { ...dialect.defaultFormat } };
    this.#wire = new TwilioStyleBotWire(dialect, this.call);
  }

  get format(): MediaFormat {
    return this.call.format;
  }

  begin(call: MediaCallOptions = {}): MediaCallInfo {
    this.sendRaw(this.#wire.connected());
    return this.sendStartFrame(call);
  }

  /** `start` only (tests of handshake errors send it without `connected`). */
  sendStartFrame(call: MediaCallOptions = {}): MediaCallInfo {
    const c = this.call;
    this.call = {
      streamId: call.streamId ?? c.streamId,
      callId: call.callId ?? c.callId,
      accountId: call.accountId ?? c.accountId,
      from: call.from ?? c.from,
      to: call.to ?? c.to,
      customParameters: { ...call.customParameters },
      format: call.format ?? c.format,
      ...(call.session !== undefined || c.session !== undefined ? { session: call.session ?? c.session! } : {}),
    };
    this.sendRaw(this.#wire.start(this.call));
    return this.call;
  }

  sendAudio(wire: Uint8Array): void {
    this.sendRaw(this.#wire.media(wire));
  }

  sendPcm(pcm: Int16Array): void {
    this.sendAudio(encodeWire(this.call.format, pcm));
  }

  sendDtmf(digit: string): void {
    this.sendRaw(this.#wire.dtmf(digit, 100));
  }

  /** A `mark` echo: the audio before the server's mark `name` has played. */
  sendMark(name: string): void {
    this.sendRaw(this.#wire.mark(name));
  }

  /** `stop` (Exotel: with `reason`, `callended` by default). */
  sendStop(reason?: string): void {
    this.sendRaw(this.#wire.stop(reason));
  }

  async hangup(): Promise<CloseInfo> {
    this.sendStop();
    return this.waitForClose();
  }

  receivedAudio(): Buffer {
    return Buffer.concat(this.#audio);
  }

  receivedPcm(): Int16Array {
    return decodeWire(this.call.format, this.receivedAudio());
  }

  protected onServerFrame(frame: Record<string, unknown>): void {
    const media = frame.media as { payload?: unknown } | undefined;
    const mark = frame.mark as { name?: unknown } | undefined;
    if (frame.event === 'media' && typeof media?.payload === 'string') {
      const bytes = Buffer.from(media.payload, 'base64');
      this.#audio.push(bytes);
      this.#playout.audio(wireMs(this.call.format, bytes.length));
    } else if (frame.event === 'mark' && typeof mark?.name === 'string') {
      this.marks.push(mark.name);
      this.#playout.mark(mark.name);
    } else if (frame.event === 'clear') {
      this.clears++;
      for (const name of this.#playout.clear()) this.sendMark(name);
    }
  }

  protected onClosed(): void {
    this.#playout.close();
  }
}
