import type { WireFormat } from '../audio/wire-format.ts';
import { hex } from './ids.ts';
import { readJsonFrame, readMediaFast } from './json-frame.ts';
import { ServerFrameKind, type PeerCallInfo, type PeerFactory, type PeerOptions, type ProviderPeer, type ServerFrame } from './peer.ts';

const MULAW_8K: WireFormat = { encoding: 'mulaw', sampleRate: 8000 };
const NAMES = { media: 'media', mark: 'mark', markKey: 'mark', clear: 'clear' };

/**
 * Twilio Media Streams: `connected`, `start` with `accountSid`, `callSid`, `tracks`, μ-law 8 kHz
 * `mediaFormat` and the numbers as `customParameters` (Twilio's `start` has no `from`/`to`), then
 * `media` with string `sequenceNumber`/`chunk`/`timestamp`, `dtmf`, `mark` echoes and `stop`
 * (the frames of `twilioBotDialect` in `@vr3/providers`). Twilio streams μ-law 8 kHz only.
 */
export class TwilioPeer implements ProviderPeer {
  readonly provider = 'twilio';
  readonly format: WireFormat;
  readonly info: PeerCallInfo;
  #sequence = 0;
  #chunk = 0;
  #samples = 0;
  readonly #sid: string;
  readonly #mediaHead: string;

  constructor(options: PeerOptions = {}) {
    this.format = options.format ?? MULAW_8K;
    if (this.format.encoding !== 'mulaw' || this.format.sampleRate !== 8000) throw new RangeError('twilio streams mulaw/8000 only');
    const callId = options.info?.callId ?? `CA${hex(16)}`;
    this.info = {
      streamId: options.info?.streamId ?? `MZ${hex(16)}`,
      callId,
      sessionId: callId,
      accountId: options.info?.accountId ?? `AC${'0123456789abcdef'.repeat(2)}`,
      from: options.info?.from ?? '+15551230001',
      to: options.info?.to ?? '+15551230002',
      customParameters: { ...options.info?.customParameters },
    };
    this.#sid = JSON.stringify(this.info.streamId);
    this.#mediaHead = `","streamSid":${this.#sid},"media":{"track":"inbound","chunk":"`;
  }

  openingFrames(): string[] {
    const i = this.info;
    const start = {
      event: 'start',
      sequenceNumber: String(++this.#sequence),
      streamSid: i.streamId,
      start: {
        accountSid: i.accountId,
        streamSid: i.streamId,
        callSid: i.callId,
        tracks: ['inbound'],
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
        customParameters: { from: i.from, to: i.to, ...i.customParameters },
      },
    };
    return ['{"event":"connected","protocol":"Call","version":"1.0.0"}', JSON.stringify(start)];
  }

  media(payloadBase64: string): string {
    const timestamp = Math.floor(this.#samples / 8);
    this.#samples += 160;
    return `{"event":"media","sequenceNumber":"${++this.#sequence}${this.#mediaHead}${++this.#chunk}","timestamp":"${timestamp}","payload":"${payloadBase64}"}}`;
  }

  dtmf(digit: string): string {
    return `{"event":"dtmf","streamSid":${this.#sid},"sequenceNumber":"${++this.#sequence}","dtmf":{"track":"inbound_track","digit":${JSON.stringify(digit)}}}`;
  }

  played(name: string): string {
    return `{"event":"mark","sequenceNumber":"${++this.#sequence}","streamSid":${this.#sid},"mark":{"name":${JSON.stringify(name)}}}`;
  }

  stop(): string {
    const i = this.info;
    return JSON.stringify({ event: 'stop', sequenceNumber: String(++this.#sequence), streamSid: i.streamId, stop: { accountSid: i.accountId, callSid: i.callId } });
  }

  read(data: Buffer, isBinary: boolean, out: ServerFrame): ServerFrameKind {
    if (!isBinary && readMediaFast(data, out)) return ServerFrameKind.Media;
    return readJsonFrame(data, isBinary, out, NAMES);
  }
}

/** Twilio peers: μ-law 8 kHz, the account travels in `start` (no URL parameter). */
export const twilioPeers: PeerFactory = {
  provider: 'twilio',
  defaultFormat: MULAW_8K,
  formats: [MULAW_8K],
  urlQuery: () => ({}),
  create: (options) => new TwilioPeer(options),
};
