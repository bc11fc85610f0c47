import type { WireFormat } from '../audio/wire-format.ts';
import { hex } from './ids.ts';
import { readJsonFrame, readMediaFast } from './json-frame.ts';
import { ServerFrameKind, type PeerCallInfo, type PeerFactory, type PeerOptions, type ProviderPeer, type ServerFrame } from './peer.ts';

const PCM_8K: WireFormat = { encoding: 'pcm16le', sampleRate: 8000 };
const RATES = [8000, 16000, 24000];
const NAMES = { media: 'media', mark: 'mark', markKey: 'mark', clear: 'clear' };

/**
 * Exotel AgentStream (Voicebot applet): snake_case keys, `connected` alone, `start` with
 * `stream_sid`, `call_sid`, `account_sid`, `from`, `to` and `media_format` (`audio/x-raw`, the rate
 * as a string), `media` with string `sequence_number`/`chunk`/`timestamp`, `dtmf`, `mark` echoes and
 * `stop` with a reason (the frames of `exotelBotDialect` in `@vr3/providers`). PCM16 LE at 8, 16 or
 * 24 kHz. The agent side answers in chunks of 100 ms or more, which the echo latency includes.
 */
export class ExotelPeer implements ProviderPeer {
  readonly provider = 'exotel';
  readonly format: WireFormat;
  readonly info: PeerCallInfo;
  #sequence = 0;
  #chunk = 0;
  #samples = 0;
  readonly #samplesPerFrame: number;
  readonly #sid: string;
  readonly #mediaHead: string;

  constructor(options: PeerOptions = {}) {
    this.format = options.format ?? PCM_8K;
    if (this.format.encoding !== 'pcm16le' || !RATES.includes(this.format.sampleRate)) throw new RangeError('exotel streams pcm16le at 8000, 16000 or 24000 Hz');
    this.#samplesPerFrame = (this.format.sampleRate * 20) / 1000;
    const callId = options.info?.callId ?? hex(16);
    this.info = {
      streamId: options.info?.streamId ?? hex(16),
      callId,
      sessionId: callId,
      accountId: options.info?.accountId ?? 'exotel-test-account',
      from: options.info?.from ?? '+15551230001',
      to: options.info?.to ?? '+15551230002',
      customParameters: { ...options.info?.customParameters },
    };
    this.#sid = JSON.stringify(this.info.streamId);
    this.#mediaHead = `","stream_sid":${this.#sid},"media":{"chunk":"`;
  }

  openingFrames(): string[] {
    const i = this.info;
    const start = {
      event: 'start',
      sequence_number: String(++this.#sequence),
      stream_sid: i.streamId,
      start: {
        stream_sid: i.streamId,
        call_sid: i.callId,
        account_sid: i.accountId,
        from: i.from,
        to: i.to,
        custom_parameters: i.customParameters,
        media_format: { encoding: 'audio/x-raw', sample_rate: String(this.format.sampleRate), bit_rate: '16' },
      },
    };
    return ['{"event":"connected"}', JSON.stringify(start)];
  }

  media(payloadBase64: string): string {
    const timestamp = Math.floor((this.#samples * 1000) / this.format.sampleRate);
    this.#samples += this.#samplesPerFrame;
    return `{"event":"media","sequence_number":"${++this.#sequence}${this.#mediaHead}${++this.#chunk}","timestamp":"${timestamp}","payload":"${payloadBase64}"}}`;
  }

  dtmf(digit: string): string {
    return `{"event":"dtmf","stream_sid":${this.#sid},"sequence_number":"${++this.#sequence}","dtmf":{"digit":${JSON.stringify(digit)}}}`;
  }

  played(name: string): string {
    return `{"event":"mark","sequence_number":"${++this.#sequence}","stream_sid":${this.#sid},"mark":{"name":${JSON.stringify(name)}}}`;
  }

  stop(): string {
    const i = this.info;
    return JSON.stringify({ event: 'stop', sequence_number: String(++this.#sequence), stream_sid: i.streamId, stop: { call_sid: i.callId, account_sid: i.accountId, reason: 'callended' } });
  }

  read(data: Buffer, isBinary: boolean, out: ServerFrame): ServerFrameKind {
    if (!isBinary && readMediaFast(data, out)) return ServerFrameKind.Media;
    return readJsonFrame(data, isBinary, out, NAMES);
  }
}

/** Exotel peers: PCM16 LE 8 kHz by default, 16 and 24 kHz on request; the account travels in `start`. */
export const exotelPeers: PeerFactory = {
  provider: 'exotel',
  defaultFormat: PCM_8K,
  formats: RATES.map((sampleRate) => ({ encoding: 'pcm16le', sampleRate })),
  urlQuery: () => ({}),
  create: (options) => new ExotelPeer(options),
};
