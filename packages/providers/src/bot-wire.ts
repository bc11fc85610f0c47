/**
 * The provider's side of a media stream, spoken to a bot: a WebSocket server written for that
 * provider's protocol. Types shared by the protocol families (`twilio-style/bot-wire.ts`,
 * `plivo-style/bot-wire.ts`). The bridge engine plays a provider toward a customer's bot with them;
 * the fake provider media clients of `./testing` play a provider toward the product.
 */
import { randomBytes } from 'node:crypto';
import type { MediaFormat } from '@vr3/protocol';

/** The identity of one stream as the provider announces it in `start`. */
export interface BotStreamCall {
  readonly streamId: string;
  readonly callId: string;
  /** Provider account: Twilio/Exotel account SID, Cloudonix domain, Vobiz/Plivo auth id. */
  readonly accountId: string;
  /** Cloudonix only: the REST session token. */
  readonly session?: string | undefined;
  /** Caller and called numbers (personal data). */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** Custom parameters in the provider's place for them (`customParameters`, `custom_parameters`, `extra_headers`). */
  readonly customParameters: Readonly<Record<string, string>>;
  /** Audio format announced in `start`. */
  readonly format: MediaFormat;
}

/** Per-call ids in a provider's style. */
export interface BotStreamIds {
  streamId: string;
  callId: string;
  /** Cloudonix only. */
  session?: string;
}

/** What a bot asked of the provider, read from one of its frames. */
export type BotEvent =
  /** Agent audio, base64-decoded, in the wire format the provider plays. */
  | { type: 'media'; payload: Buffer }
  /** A playback marker: answer it once the audio before it has played. */
  | { type: 'mark'; name: string }
  /** Drop buffered agent audio (barge-in). */
  | { type: 'clear' }
  /** Plivo-style `stop`: end the stream, dropping queued audio. */
  | { type: 'stop' };

/** `n` random bytes as lower-case hex (`2n` characters). */
export function randomHex(n: number): string {
  return randomBytes(n).toString('hex');
}

/** Milliseconds of audio in `bytes` of `format`. */
export function audioMs(format: MediaFormat, bytes: number): number {
  const bytesPerSample = format.encoding === 'pcm16le' || format.encoding === 'pcm16be' ? 2 : 1;
  return (bytes / bytesPerSample / format.sampleRate) * 1000;
}

/** A view of `bytes` as a Buffer (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
