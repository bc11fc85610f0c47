/**
 * The provider side of one media stream, as the simulator plays it: what a telephony provider sends
 * on its socket (handshake, caller audio, DTMF, played markers, end of stream) and how it reads what
 * the agent side sends back. Pure and per call: no socket, no timers. One implementation per provider,
 * found through the registry (`peers/registry.ts`).
 *
 * Built for the load path: media frames are string concatenations around a base64 payload the caller
 * precomputed, and {@link ProviderPeer.read} finds a media payload as a byte range of the received
 * frame (no `JSON.parse`, no copy); anything else is parsed normally.
 */
import type { WireFormat } from '../audio/wire-format.ts';

/** Identifiers of one simulated call, as the provider puts them on its `start` frame. */
export interface PeerCallInfo {
  /** Stream id (`streamSid` / `stream_sid` / `streamId`). */
  streamId: string;
  /** Provider call id (`callSid` / `call_sid` / `callId`). */
  callId: string;
  /** Session token where the provider has one distinct from the call id (Cloudonix `session`). */
  sessionId: string;
  /** Provider account (Cloudonix domain, Twilio `AC…` sid, Exotel account sid, Vobiz/Plivo auth id). */
  accountId: string;
  from: string;
  to: string;
  customParameters: Record<string, string>;
}

/** What one frame from the agent side was. */
export const ServerFrameKind = {
  /** Agent audio; the base64 payload is `bytes[start, end)`. */
  Media: 'media',
  /** A playback marker (`mark` / `checkpoint`); its name is in `name`. */
  Mark: 'mark',
  /** Barge-in: drop buffered audio (`clear` / `clearAudio`). */
  Clear: 'clear',
  /** Valid JSON of another event (`event` holds its name). */
  Other: 'other',
  /** Binary, not JSON, or not an object: something a provider would reject. */
  Invalid: 'invalid',
} as const;

/** One of {@link ServerFrameKind}. */
export type ServerFrameKind = (typeof ServerFrameKind)[keyof typeof ServerFrameKind];

/** Reusable result of {@link ProviderPeer.read}; overwritten by every call. */
export interface ServerFrame {
  kind: ServerFrameKind;
  /** The event name as sent (`''` when there was none). */
  event: string;
  /** Media: the bytes holding the base64 payload, and its range. */
  bytes: Uint8Array;
  start: number;
  end: number;
  /** Mark: the marker name. */
  name: string;
}

/** A fresh {@link ServerFrame} to pass to {@link ProviderPeer.read} again and again. */
export function newServerFrame(): ServerFrame {
  return { kind: ServerFrameKind.Other, event: '', bytes: EMPTY, start: 0, end: 0, name: '' };
}
const EMPTY = new Uint8Array(0);

/** Options of {@link PeerFactory.create}; everything has a generated default. */
export interface PeerOptions {
  format?: WireFormat;
  info?: Partial<PeerCallInfo>;
}

/** One simulated provider call. */
export interface ProviderPeer {
  readonly provider: string;
  /** The format of the audio this peer sends, and expects back. */
  readonly format: WireFormat;
  readonly info: PeerCallInfo;
  /** Frames the provider sends once the socket is open, in order (`connected` + `start`, or `start`). */
  openingFrames(): string[];
  /** One media frame around a base64 payload of one 20 ms frame in {@link format}. */
  media(payloadBase64: string): string;
  /** A DTMF key press, or `null` when the provider does not send DTMF on the stream. */
  dtmf(digit: string): string | null;
  /** The answer to a playback marker once the audio before it has played (`mark` / `playedStream`). */
  played(name: string): string | null;
  /** The provider's end-of-stream frame, or `null` when it simply closes the socket. */
  stop(): string | null;
  /** Classifies one frame from the agent side into `out` and returns its kind. */
  read(data: Buffer, isBinary: boolean, out: ServerFrame): ServerFrameKind;
}

/** Creates peers for one provider. */
export interface PeerFactory {
  readonly provider: string;
  /** The format used when none is asked for. */
  readonly defaultFormat: WireFormat;
  /** Every format this provider can put on the socket. */
  readonly formats: readonly WireFormat[];
  /**
   * Query parameters the Agent Stream URL needs for this provider besides `provider`, given the
   * call's account (Cloudonix: `Domain`).
   */
  urlQuery(accountId: string): Record<string, string>;
  create(options?: PeerOptions): ProviderPeer;
}
