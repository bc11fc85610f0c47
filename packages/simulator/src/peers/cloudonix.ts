import type { WireFormat } from '../audio/wire-format.ts';
import { hex } from './ids.ts';
import { readJsonFrame, readMediaFast } from './json-frame.ts';
import { ServerFrameKind, type PeerCallInfo, type PeerFactory, type PeerOptions, type ProviderPeer, type ServerFrame } from './peer.ts';

const MULAW_8K: WireFormat = { encoding: 'mulaw', sampleRate: 8000 };
const MIME: Record<string, string> = { mulaw: 'audio/x-mulaw', alaw: 'audio/x-alaw', pcm16be: 'audio/l16' };
const NAMES = { media: 'media', mark: 'mark', markKey: 'mark', clear: 'clear' };

/**
 * A Cloudonix `<Connect><Stream>` (Twilio-compatible framing): `connected`, `start` with the session
 * token and the domain as `accountSid`, then `media` with string `sequenceNumber`/`chunk`/`timestamp`,
 * `dtmf`, `mark` echoes, and `stop`. Field order matches the recorded frames of
 * `@vr3/providers/testing` (`cloudonixFixtures`, `CloudonixMediaClient`).
 */
export class CloudonixPeer implements ProviderPeer {
  readonly provider = 'cloudonix';
  readonly format: WireFormat;
  readonly info: PeerCallInfo;
  #sequence = 0;
  #chunk = 0;
  #samples = 0;
  readonly #samplesPerFrame: number;
  readonly #sid: string;
  readonly #mediaHead: string;

  constructor(options: PeerOptions = {}) {
    this.format = options.format ?? MULAW_8K;
    if (MIME[this.format.encoding] === undefined) throw new RangeError(`cloudonix cannot send ${this.format.encoding}`);
    this.#samplesPerFrame = (this.format.sampleRate * 20) / 1000;
    const callId = options.info?.callId ?? `CA${hex(16)}`;
    this.info = {
      streamId: options.info?.streamId ?? `MZ${hex(16)}`,
      callId,
      sessionId: options.info?.sessionId ?? `session-${hex(12)}`,
      accountId: options.info?.accountId ?? 'acme.cloudonix.net',
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
      sequenceNumber: this.#next(),
      streamSid: i.streamId,
      start: {
        streamSid: i.streamId,
        callSid: i.callId,
        session: i.sessionId,
        accountSid: i.accountId,
        from: i.from,
        to: i.to,
        customParameters: i.customParameters,
        context: 'inbound',
        tracks: ['inbound'],
        mediaFormat: { encoding: MIME[this.format.encoding], sampleRate: this.format.sampleRate, channels: 1 },
      },
    };
    return ['{"event":"connected","protocol":"Call","version":"1.0.0"}', JSON.stringify(start)];
  }

  media(payloadBase64: string): string {
    const timestamp = Math.floor((this.#samples * 1000) / this.format.sampleRate);
    this.#samples += this.#samplesPerFrame;
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
    return JSON.stringify({
      event: 'stop',
      sequenceNumber: this.#next(),
      streamSid: i.streamId,
      stop: { accountSid: i.accountId, callSid: i.callId, session: i.sessionId },
    });
  }

  read(data: Buffer, isBinary: boolean, out: ServerFrame): ServerFrameKind {
    if (!isBinary && readMediaFast(data, out)) return ServerFrameKind.Media;
    return readJsonFrame(data, isBinary, out, NAMES);
  }

  #next(): string {
    return String(++this.#sequence);
  }
}

/** Cloudonix peers: μ-law 8 kHz by default (what Cloudonix sends); A-law and L16 for testing. */
export const cloudonixPeers: PeerFactory = {
  provider: 'cloudonix',
  defaultFormat: MULAW_8K,
  formats: [MULAW_8K, { encoding: 'alaw', sampleRate: 8000 }, { encoding: 'pcm16be', sampleRate: 8000 }, { encoding: 'pcm16be', sampleRate: 16000 }],
  urlQuery: (accountId) => ({ Domain: accountId }),
  create: (options) => new CloudonixPeer(options),
};
