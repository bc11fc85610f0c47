import type { ClearResult, SessionCloseInfo } from '@vr3/agent';
import type { MediaFormat } from '@vr3/protocol';
import type { BotEvent } from '@vr3/providers';
import type { BridgeProtocol } from '../spec.ts';

/** What a bot asked for, read from one of its frames, in any protocol. */
export type BotCommand =
  /** Agent audio in the session format, any length. */
  | { type: 'audio'; audio: Uint8Array }
  | { type: 'mark'; name: string }
  | { type: 'clear' }
  /** Plivo-style `stop`: drop queued audio and end the call. */
  | { type: 'stop' }
  | { type: 'hangup'; reason?: string }
  | { type: 'transfer'; target: string }
  | { type: 'set_context'; values: Record<string, unknown> }
  | { type: 'event'; data: Record<string, unknown> };

/**
 * One call's side of a bot protocol: the frames the bridge sends as the named provider (or as
 * `vr3`) and the reading of the bot's frames. Pure: no socket, no timers; the session sends what it
 * returns. Frames are strings (text) or bytes (binary).
 */
export interface BotProtocol {
  readonly name: BridgeProtocol;
  /** Audio format of the session: caller audio in, agent audio out. */
  readonly format: MediaFormat;
  /** Frames sent as soon as the socket opens (`connected`, `start`). */
  opening(): Array<string | Uint8Array>;
  /** One chunk of caller audio (session format; the bytes are used before this returns). */
  audio(chunk: Uint8Array): string | Uint8Array;
  /**
   * Optional: {@link audio} when it is a text frame, as that text's UTF-8 bytes (the same frame,
   * built without a string). When present the session sends these instead, as a text frame.
   */
  audioText?(chunk: Uint8Array): Buffer;
  dtmf(digit: string): string;
  /** The answer to the bot's mark `name` once the caller heard it, or a clear cut it (`cut`); null: none. */
  played(name: string, cut: boolean): string | null;
  /** The answer to the bot's clear; null: none. */
  cleared(result: ClearResult): string | null;
  /** The frame sent before the bridge closes the socket at the end of the call; null: the close alone. */
  stop(info: SessionCloseInfo): string | null;
  /** Reads one bot frame: `null` for an event the protocol does not act on; throws on a malformed frame. */
  parse(data: Buffer, isBinary: boolean): BotCommand | null;
}

/**
 * The command a provider-protocol bot event means. A bot's `stop` ends the call where the provider
 * honours it (Plivo-style `stop`); Twilio-style providers take no `stop` from the bot (null).
 */
export function providerBotCommand(event: BotEvent, stopEndsCall: boolean): BotCommand | null {
  switch (event.type) {
    case 'media':
      return { type: 'audio', audio: event.payload };
    case 'mark':
      return { type: 'mark', name: event.name };
    case 'clear':
      return { type: 'clear' };
    case 'stop':
      return stopEndsCall ? { type: 'stop' } : null;
  }
}
