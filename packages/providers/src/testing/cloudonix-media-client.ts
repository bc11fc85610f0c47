import { MULAW_8K } from '@vr3/protocol';
import type { MediaFormat } from '@vr3/protocol';
import type { MediaClientOptions } from './media-client.ts';
import { openSocket } from './media-socket.ts';
import type { OpenedSocket } from './media-socket.ts';
import { TwilioStyleMediaClient, hex } from './twilio-style-media-client.ts';
import { cloudonixBotDialect } from '../twilio-style/bot-wire.ts';
import type { TwilioStyleBotDialect } from '../twilio-style/bot-wire.ts';
import type { BotStreamCall } from '../bot-wire.ts';

export { MediaClientConnectError, type CloseInfo } from './media-client.ts';

/** Options of {@link CloudonixMediaClient.connect}. */
export interface CloudonixMediaClientOptions extends MediaClientOptions {
  /** Echo every `mark` the server sends at once (ackMode `immediate`). Default true; false = ackMode `never`. */
  autoEchoMarks?: boolean;
}

/** Fields of the `start` frame; every one has a generated default. */
export interface CloudonixStartOptions {
  streamSid?: string;
  callSid?: string;
  /** Session token (what the REST API resolves). */
  session?: string;
  /** The Cloudonix domain. Default `acme.cloudonix.net`. */
  accountSid?: string;
  from?: string;
  to?: string;
  customParameters?: Record<string, string>;
  /** Sent as is. Default `{ encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 }`. */
  mediaFormat?: { encoding: string; sampleRate: number | string; channels?: number };
}

/** The `start` fields actually sent. */
export interface CloudonixStartInfo {
  streamSid: string;
  callSid: string;
  session: string;
  accountSid: string;
  from: string;
  to: string;
  customParameters: Record<string, string>;
}

function formatOf(raw: CloudonixStartOptions['mediaFormat']): MediaFormat {
  if (!raw) return { ...MULAW_8K };
  const name = raw.encoding.toLowerCase();
  const encoding = name.includes('alaw') ? 'alaw' : name.includes('l16') ? 'pcm16be' : 'mulaw';
  return { encoding, sampleRate: Number.parseInt(String(raw.sampleRate), 10) || 8000 };
}

/**
 * A fake Cloudonix media peer over a real `ws` socket: what a Cloudonix `<Connect><Stream>` sends
 * (Twilio-compatible `connected`, `start` with `session` and the domain as `accountSid`, `media`,
 * `dtmf`, `mark`, `stop`). Implements {@link ProviderMediaClient}; the Cloudonix-named methods
 * below are kept for existing tests.
 */
/** Raw `mediaFormat` override for the next `start`, shared by a client and its wire spelling. */
interface FormatHolder {
  raw: CloudonixStartOptions['mediaFormat'];
}

/** Cloudonix's spelling, with the `start.mediaFormat` override of {@link CloudonixMediaClient.sendStart}. */
function cloudonixWire(holder: FormatHolder): TwilioStyleBotDialect {
  return {
    ...cloudonixBotDialect,
    start: (c: BotStreamCall) => {
      const start = cloudonixBotDialect.start(c);
      return holder.raw === undefined ? start : { ...start, mediaFormat: holder.raw };
    },
  };
}

/**
 * A fake Cloudonix media peer over a real `ws` socket: what a Cloudonix `<Connect><Stream>` sends
 * (Twilio-compatible `connected`, `start` with `session` and the domain as `accountSid`, `media`,
 * `dtmf`, `mark`, `stop`). Implements {@link ProviderMediaClient}; the Cloudonix-named methods
 * below are kept for existing tests.
 */
export class CloudonixMediaClient extends TwilioStyleMediaClient {
  readonly #holder: FormatHolder;

  /** Opens a socket to `url`; resolves once open. Rejects with `MediaClientConnectError`. */
  static async connect(url: string, opts: CloudonixMediaClientOptions = {}): Promise<CloudonixMediaClient> {
    const ackMode = opts.ackMode ?? (opts.autoEchoMarks === false ? 'never' : 'immediate');
    const holder: FormatHolder = { raw: undefined };
    return new CloudonixMediaClient(await openSocket(url, opts), { ...opts, ackMode }, holder);
  }

  private constructor(socket: OpenedSocket, opts: MediaClientOptions, holder: FormatHolder) {
    super(socket, opts, cloudonixWire(holder), 'acme.cloudonix.net');
    this.#holder = holder;
    this.call.session = `session-${hex(12)}`;
  }

  get streamSid(): string {
    return this.call.streamId;
  }

  get callSid(): string {
    return this.call.callId;
  }

  get session(): string {
    return this.call.session ?? '';
  }

  get accountSid(): string {
    return this.call.accountId;
  }

  /** `{"event":"connected","protocol":"Call","version":"1.0.0"}`. */
  sendConnected(): void {
    this.sendJson({ event: 'connected', protocol: 'Call', version: '1.0.0' });
  }

  /** A Cloudonix `start` (ids at top level and in `start`), μ-law 8 kHz unless told otherwise. */
  sendStart(opts: CloudonixStartOptions = {}): CloudonixStartInfo {
    this.#holder.raw = opts.mediaFormat;
    const c = this.sendStartFrame({
      ...(opts.streamSid === undefined ? {} : { streamId: opts.streamSid }),
      ...(opts.callSid === undefined ? {} : { callId: opts.callSid }),
      ...(opts.accountSid === undefined ? {} : { accountId: opts.accountSid }),
      ...(opts.session === undefined ? {} : { session: opts.session }),
      ...(opts.from === undefined ? {} : { from: opts.from }),
      ...(opts.to === undefined ? {} : { to: opts.to }),
      ...(opts.customParameters === undefined ? {} : { customParameters: opts.customParameters }),
      format: formatOf(opts.mediaFormat),
    });
    return { streamSid: c.streamId, callSid: c.callId, session: c.session ?? '', accountSid: c.accountId, from: c.from, to: c.to, customParameters: c.customParameters };
  }

  /** One `media` frame with μ-law audio; `sequenceNumber`, `chunk` and `timestamp` (ms) as strings. */
  sendMedia(mulaw: Uint8Array): void {
    this.sendAudio(mulaw);
  }

  /** The decoded payloads of every `media` frame received, concatenated (what would have played, ignoring `clear`). */
  receivedMedia(): Buffer {
    return this.receivedAudio();
  }
}
