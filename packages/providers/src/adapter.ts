import type { CallEvent, MediaFormat, StartEvent } from '@vr3/protocol';
import type { ProviderName } from './provider-name.ts';

/** How a provider opens a stream. */
export type HandshakeOrder =
  /** `connected`, then `start` (Twilio, Cloudonix, Exotel). */
  | 'connected-then-start'
  /** `start` is the first frame (Vobiz, Plivo). */
  | 'start-first';

/** How a provider ends a stream. */
export type StreamEndSignal =
  /** A `stop` event, then the socket closes (Twilio, Cloudonix, Exotel with a `reason`). */
  | 'stop-event'
  /** The socket just closes; no `stop` is documented (Vobiz, Plivo). A `stop` is still accepted. */
  | 'socket-close';

/** Where the stored telephony configuration's account identifier comes from. */
export type AccountSource =
  /** A query parameter of the stream URL, required (Cloudonix `Domain`). */
  | 'query'
  /** The `start` event (`accountSid` / `account_sid` / `accountId`), else a query parameter. */
  | 'start';

/** How a provider acknowledges a `clear`. */
export type ClearAck =
  /** It flushes pending marks back as `mark` events (Twilio-style). */
  | 'marks-echoed'
  /** It answers with a `cleared` event (Vobiz/Plivo `clearedAudio`); pending markers never come. */
  | 'cleared-event';

/**
 * Per-configuration stream settings, already validated against the descriptor's
 * {@link ProviderSettingSpec}s (see `resolveProviderSettings`). Absent keys take the spec default.
 */
export type ProviderSettings = Readonly<Record<string, string>>;

/** One per-configuration setting a provider accepts, for conflicts the provider docs leave open. */
export interface ProviderSettingSpec {
  readonly key: string;
  readonly values: readonly string[];
  /** The documented behaviour. */
  readonly default: string;
  readonly description: string;
}

/** Options of `ProviderDescriptor.createStreamAdapter`. */
export interface StreamAdapterOptions {
  /** Query parameters of the stream URL (Exotel reads `sample-rate`). Never logged. */
  query?: Readonly<Record<string, string>>;
}

/** How outbound audio is cut into provider messages. */
export interface OutboundFraming {
  /** Audio bytes in one outbound media message (always whole samples). */
  readonly chunkBytes: number;
  /** Playout duration of one message, in milliseconds. */
  readonly chunkMs: number;
}

/**
 * Per-call, stateful translator between one provider's WebSocket frames and {@link CallEvent}s.
 * Pure: it never touches the socket. The media-edge owns I/O, timers and the call state machine.
 */
export interface StreamAdapter {
  readonly provider: ProviderName;
  readonly handshake: HandshakeOrder;
  readonly clearAck: ClearAck;
  /**
   * Parses one inbound frame. Throws `ProviderFrameError` (code `malformed_frame`) for
   * non-JSON, unknown shapes or missing required fields, `unsupported_media_format` for a `start`
   * announcing audio we cannot handle. Unknown event names return `null` (ignored, never fatal).
   */
  parse(data: Buffer | string, isBinary: boolean): CallEvent | null;
  /**
   * Binds the call to its accepted `start` and its configuration's settings: remembers the stream
   * id for outbound frames and fixes the negotiated formats and framing. Called once.
   * Throws `ProviderConfigError(invalid_option)` for settings outside the descriptor's specs.
   */
  bind(start: StartEvent, settings?: ProviderSettings): void;
  /** Wire format of inbound media (after {@link bind}: `start`'s format with the settings applied). */
  inboundFormat(): MediaFormat;
  /** Wire format the provider expects outbound audio in (known after {@link bind}). */
  outboundFormat(): MediaFormat;
  /** Outbound message size and duration (known after {@link bind}). */
  outboundFraming(): OutboundFraming;
  /** Serializes outbound audio (exactly one {@link outboundFraming} chunk) into one text frame. */
  media(payload: Buffer): string;
  /**
   * Optional: the same frame as {@link media}, as its UTF-8 bytes (sent as a text frame without
   * making a string first). Adapters that have it serialize the hot path straight into a Buffer.
   */
  mediaBytes?(payload: Buffer): Buffer;
  /** A playback marker the provider acknowledges once everything before it has played. */
  mark(name: string): string;
  /** Asks the provider to drop audio it has buffered but not yet played. */
  clear(): string;
}
