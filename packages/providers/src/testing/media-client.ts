/**
 * The one interface every fake provider media peer implements, so a test or a load simulator can
 * drive any provider the same way. Implementations: `CloudonixMediaClient`, `TwilioMediaClient`,
 * `ExotelMediaClient`, `VobizMediaClient`, `PlivoMediaClient`; `connectMediaClient()` picks one.
 */
import type { MediaFormat } from '@vr3/protocol';
import type { ProviderName } from '../provider-name.ts';

/** How the socket closed. */
export interface CloseInfo {
  code: number;
  reason: string;
}

/**
 * When the fake provider acknowledges a playback marker (`mark` echo, `playedStream`):
 * `immediate` on receipt; `playout` once the audio sent before it would have played in real time
 * (a `clear` flushes pending marks back on Twilio-style peers and drops them on Plivo-style ones);
 * `never` (to exercise the server's fallback).
 */
export type AckMode = 'immediate' | 'playout' | 'never';

/** Options of every media client's `connect`. */
export interface MediaClientOptions {
  /** Default `immediate`. */
  ackMode?: AckMode;
  /** Keep every received frame in `received` (default true). A long-running simulator turns it off and uses `onFrame`. */
  record?: boolean;
  /** Extra headers on the upgrade request. */
  headers?: Record<string, string>;
  /** Largest frame accepted from the server, in bytes. Default 1 MiB. */
  maxPayload?: number;
  /** Deadline for the opening handshake. Default 5000 ms. */
  handshakeTimeoutMs?: number;
  /** Certificates to trust for a `wss://` URL besides the system's (a self-signed server's). */
  ca?: Buffer | string | Array<Buffer | string>;
}

/** Identity of the simulated call, as put into `start`. Every field has a generated default. */
export interface MediaCallOptions {
  streamId?: string;
  callId?: string;
  /** The provider account: Cloudonix domain, Exotel/Twilio account SID, Vobiz/Plivo auth id. */
  accountId?: string;
  /** Cloudonix only: the REST session token (default: generated). */
  session?: string;
  from?: string;
  to?: string;
  /** `customParameters` / `custom_parameters` / `extra_headers`. */
  customParameters?: Record<string, string>;
  /** Wire format announced in `start` (default: the provider's usual one). */
  format?: MediaFormat;
}

/** The identity actually sent in `start`. */
export interface MediaCallInfo {
  streamId: string;
  callId: string;
  accountId: string;
  /** Cloudonix only. */
  session?: string;
  from: string;
  to: string;
  customParameters: Record<string, string>;
  format: MediaFormat;
}

/** A fake provider media peer on a real WebSocket. */
export interface ProviderMediaClient {
  readonly provider: ProviderName;
  /** Wire format announced in `start` (the provider's default before {@link begin}). */
  readonly format: MediaFormat;
  /** Every JSON object frame received from the server, in order (empty when `record: false`). */
  readonly received: readonly object[];
  /** Frames from the server that were binary or not a JSON object (a protocol violation). */
  readonly invalidFrames: ReadonlyArray<string | Buffer>;
  /** Names of the playback markers the server sent (`mark` / `checkpoint`), in order. */
  readonly marks: readonly string[];
  /** Outbound `clear` / `clearAudio` frames received. */
  readonly clears: number;
  readonly isOpen: boolean;
  readonly closeInfo: CloseInfo | undefined;
  /** Sends the provider's opening frames (`connected` where it sends one, then `start`). */
  begin(call?: MediaCallOptions): MediaCallInfo;
  /** One inbound `media` frame carrying wire-format bytes. */
  sendAudio(wire: Uint8Array): void;
  /** PCM16 at the wire rate, encoded to the wire format, as one `media` frame. */
  sendPcm(pcm: Int16Array): void;
  sendDtmf(digit: string): void;
  /** Ends the call the way the provider does (`stop`, or just closing the socket); resolves once closed. */
  hangup(): Promise<CloseInfo>;
  /** Sends `data` as is: a string as a text frame, bytes as a binary frame. */
  sendRaw(data: string | Uint8Array): void;
  /** Wire bytes of every outbound audio frame received, concatenated (ignoring `clear`). */
  receivedAudio(): Buffer;
  /** {@link receivedAudio} decoded to PCM16 at the wire rate. */
  receivedPcm(): Int16Array;
  /** Calls `listener` with every JSON frame as it arrives; returns an unsubscribe function. */
  onFrame(listener: (frame: object) => void): () => void;
  /** The first received frame (past or future) matching `predicate`; rejects on timeout or close. */
  waitFor(predicate: (frame: object) => boolean, timeoutMs?: number): Promise<object>;
  /** The close code and reason (at once if closed); rejects on timeout. */
  waitForClose(timeoutMs?: number): Promise<CloseInfo>;
  /** Closes (default 1000), terminating when the server does not answer in `timeoutMs`. Idempotent. */
  close(code?: number, reason?: string, timeoutMs?: number): Promise<CloseInfo>;
}

/** Refused upgrade (`statusCode` set) or network failure while connecting. */
export class MediaClientConnectError extends Error {
  readonly statusCode: number | undefined;
  constructor(message: string, statusCode?: number, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'MediaClientConnectError';
    this.statusCode = statusCode;
  }
}
