import type { WireFormat } from '../audio/wire-format.ts';
import { readJsonFrame } from './json-frame.ts';
import { randomUUID } from 'node:crypto';
import type { PeerCallInfo, PeerFactory, PeerOptions, ProviderPeer, ServerFrame, ServerFrameKind } from './peer.ts';
import { STAND_IN_ROUTES } from '@vr3/providers/testing';

const MULAW_8K: WireFormat = { encoding: 'mulaw', sampleRate: 8000 };
const NAMES = { media: 'playAudio', mark: 'checkpoint', markKey: '', clear: 'clearAudio' };

/** What differs between Vobiz and Plivo on the provider side. */
interface PlivoStyleDialect {
  readonly provider: 'vobiz' | 'plivo';
  readonly defaultAccount: string;
  /** `media` repeats `contentType` and `sampleRate` (Vobiz). */
  readonly mediaCarriesFormat: boolean;
  /** Sends `stop` before closing (Vobiz); Plivo only closes the socket. */
  readonly sendsStop: boolean;
}

/**
 * Vobiz and Plivo `<Stream>` (Plivo's Stream Event Protocol): `start` first (no `connected`) with
 * `callId`, `streamId`, `accountId` and `mediaFormat`, then `media` with numeric
 * `sequenceNumber`/`chunk`, `dtmf`, `playedStream` for the agent's `checkpoint`, and (Vobiz) `stop`;
 * reads `playAudio`, `checkpoint` and `clearAudio` (the frames of the Plivo-style bot wire of
 * `@vr3/providers`). μ-law 8 kHz only: the agent side answers L16 in another byte order than the
 * caller's, which the load generator's echo reader does not follow.
 */
export class PlivoStylePeer implements ProviderPeer {
  readonly provider: 'vobiz' | 'plivo';
  readonly format: WireFormat;
  readonly info: PeerCallInfo;
  readonly #dialect: PlivoStyleDialect;
  #sequence = 0;
  readonly #sid: string;
  readonly #mediaMid: string;

  constructor(dialect: PlivoStyleDialect, options: PeerOptions = {}) {
    this.#dialect = dialect;
    this.provider = dialect.provider;
    this.format = options.format ?? MULAW_8K;
    if (this.format.encoding !== 'mulaw' || this.format.sampleRate !== 8000) throw new RangeError(`the ${dialect.provider} peer streams mulaw/8000 only`);
    const callId = options.info?.callId ?? randomUUID();
    this.info = {
      streamId: options.info?.streamId ?? randomUUID(),
      callId,
      sessionId: callId,
      accountId: options.info?.accountId ?? dialect.defaultAccount,
      from: options.info?.from ?? '+15551230001',
      to: options.info?.to ?? '+15551230002',
      customParameters: { ...options.info?.customParameters },
    };
    this.#sid = JSON.stringify(this.info.streamId);
    this.#mediaMid = dialect.mediaCarriesFormat ? '"contentType":"audio/x-mulaw","sampleRate":8000,' : '';
  }

  openingFrames(): string[] {
    const i = this.info;
    return [
      JSON.stringify({
        event: 'start',
        sequenceNumber: ++this.#sequence,
        start: { callId: i.callId, streamId: i.streamId, accountId: i.accountId, from: i.from, to: i.to, tracks: ['inbound'], mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000 } },
      }),
    ];
  }

  media(payloadBase64: string): string {
    const n = ++this.#sequence;
    return `{"event":"media","sequenceNumber":${n},"streamId":${this.#sid},"media":{"track":"inbound","timestamp":"${n * 20}","chunk":${n},${this.#mediaMid}"payload":"${payloadBase64}"}}`;
  }

  dtmf(digit: string): string {
    return JSON.stringify({ event: 'dtmf', sequenceNumber: ++this.#sequence, streamId: this.info.streamId, dtmf: { track: 'inbound', digit, timestamp: String(this.#sequence * 20) } });
  }

  played(name: string): string {
    return JSON.stringify({ event: 'playedStream', sequenceNumber: ++this.#sequence, streamId: this.info.streamId, name });
  }

  stop(): string | null {
    return this.#dialect.sendsStop ? JSON.stringify({ event: 'stop', sequenceNumber: ++this.#sequence, streamId: this.info.streamId, reason: 'call_ended' }) : null;
  }

  read(data: Buffer, isBinary: boolean, out: ServerFrame): ServerFrameKind {
    return readJsonFrame(data, isBinary, out, NAMES);
  }
}

const factory = (dialect: PlivoStyleDialect): PeerFactory => ({
  provider: dialect.provider,
  defaultFormat: MULAW_8K,
  formats: [MULAW_8K],
  urlQuery: () => ({}),
  create: (options) => new PlivoStylePeer(dialect, options),
});

/** Vobiz peers (μ-law 8 kHz; `media` repeats the format, `stop` before the close). */
export const vobizPeers: PeerFactory = factory({ provider: 'vobiz', defaultAccount: STAND_IN_ROUTES.vobiz.testAccount, mediaCarriesFormat: true, sendsStop: true });
/** Plivo peers (μ-law 8 kHz; the end of stream is the socket close). */
export const plivoPeers: PeerFactory = factory({ provider: 'plivo', defaultAccount: STAND_IN_ROUTES.plivo.testAccount, mediaCarriesFormat: false, sendsStop: false });
