import { randomBytes } from 'node:crypto';
import type { MediaFormat, ProviderName } from '@vr3/protocol';
import { FakePlayout } from './fake-playout.ts';
import type { CloseInfo, MediaCallInfo, MediaCallOptions, MediaClientOptions, ProviderMediaClient } from './media-client.ts';
import { MediaSocket } from './media-socket.ts';
import type { OpenedSocket } from './media-socket.ts';
import { bufferOf, decodeWire, encodeWire, wireMs } from './wire-audio.ts';

/** How one Twilio-style provider spells its frames. */
export interface TwilioStyleWire {
  readonly provider: ProviderName;
  /** snake_case keys (Exotel) instead of camelCase (Twilio, Cloudonix). */
  readonly snake: boolean;
  readonly defaultFormat: MediaFormat;
  readonly defaultAccount: string;
  /** The `connected` frame. */
  connected(): object;
  /** The `start` object (inside `{"event":"start","start":…}`). */
  start(info: MediaCallInfo): object;
  /** The `stop` object. */
  stop(info: MediaCallInfo, reason: string | undefined): object;
}

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
  readonly #wire: TwilioStyleWire;
  readonly #playout: FakePlayout;
  readonly #audio: Buffer[] = [];
  #sequence = 0;
  #chunk = 0;
  #audioMs = 0;

  constructor(socket: OpenedSocket, opts: MediaClientOptions, wire: TwilioStyleWire) {
    super(socket, opts);
    this.#wire = wire;
    this.provider = wire.provider;
    this.#playout = new FakePlayout(opts.ackMode ?? 'immediate', (name) => this.sendMark(name));
    this.call = {
      streamId: `MZ${hex(16)}`,
      callId: `CA${hex(16)}`,
      accountId: wire.defaultAccount,
      from: '+15551230001',
      to: '+15551230002',
      customParameters: {},
      format: { ...wire.defaultFormat },
    };
  }

  get format(): MediaFormat {
    return this.call.format;
  }

  protected get streamKey(): string {
    return this.#wire.snake ? 'stream_sid' : 'streamSid';
  }

  protected get sequenceKey(): string {
    return this.#wire.snake ? 'sequence_number' : 'sequenceNumber';
  }

  begin(call: MediaCallOptions = {}): MediaCallInfo {
    this.sendJson(this.#wire.connected());
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
    this.sendJson({ event: 'start', [this.sequenceKey]: this.#next(), [this.streamKey]: this.call.streamId, start: this.#wire.start(this.call) });
    return this.call;
  }

  sendAudio(wire: Uint8Array): void {
    const timestamp = Math.floor(this.#audioMs);
    this.#audioMs += wireMs(this.call.format, wire.byteLength);
    const payload = bufferOf(wire).toString('base64');
    const media = this.#wire.snake
      ? { chunk: String(++this.#chunk), timestamp: String(timestamp), payload }
      : { track: 'inbound', chunk: String(++this.#chunk), timestamp: String(timestamp), payload };
    this.sendJson({ event: 'media', [this.sequenceKey]: this.#next(), [this.streamKey]: this.call.streamId, media });
  }

  sendPcm(pcm: Int16Array): void {
    this.sendAudio(encodeWire(this.call.format, pcm));
  }

  sendDtmf(digit: string): void {
    const dtmf = this.#wire.snake ? { digit, duration: '100' } : { track: 'inbound_track', digit };
    this.sendJson({ event: 'dtmf', [this.streamKey]: this.call.streamId, [this.sequenceKey]: this.#next(), dtmf });
  }

  /** A `mark` echo: the audio before the server's mark `name` has played. */
  sendMark(name: string): void {
    this.sendJson({ event: 'mark', [this.sequenceKey]: this.#next(), [this.streamKey]: this.call.streamId, mark: { name } });
  }

  /** `stop` (Exotel: with `reason`, `callended` by default). */
  sendStop(reason?: string): void {
    this.sendJson({ event: 'stop', [this.sequenceKey]: this.#next(), [this.streamKey]: this.call.streamId, stop: this.#wire.stop(this.call, reason) });
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

  #next(): string {
    return String(++this.#sequence);
  }
}
