import type { CallEvent, MediaFormat, ProviderName, StartEvent } from '@vr3/protocol';

/** How a provider opens a stream. */
export type HandshakeOrder =
  /** `connected`, then `start` (Twilio, Cloudonix, Exotel). */
  | 'connected-then-start'
  /** `start` is the first frame (Vobiz, Plivo). */
  | 'start-first';

/**
 * Per-call, stateful translator between one provider's WebSocket frames and {@link CallEvent}s.
 * Pure: it never touches the socket. The media-edge owns I/O, timers and the call state machine.
 */
export interface StreamAdapter {
  readonly provider: ProviderName;
  readonly handshake: HandshakeOrder;
  /**
   * Parses one inbound frame. Throws `ProviderFrameError` (code `malformed_frame`) for
   * non-JSON, unknown shapes or missing required fields. Unknown event names return `null`
   * (ignored, never fatal).
   */
  parse(data: Buffer | string, isBinary: boolean): CallEvent | null;
  /** Remembers stream ids from `start` so outbound frames can carry them. Called once. */
  bind(start: StartEvent): void;
  /** The format the provider expects outbound audio in (known after {@link bind}). */
  outboundFormat(): MediaFormat;
  /** Serializes outbound audio (already in {@link outboundFormat}) into one text frame. */
  media(payload: Buffer): string;
  /** A playback marker the provider echoes back once everything before it has played. */
  mark(name: string): string;
  /** Asks the provider to drop audio it has buffered but not yet played. */
  clear(): string;
}

/** Static description of a provider's Agent Stream support. */
export interface ProviderDescriptor {
  readonly name: ProviderName;
  readonly handshake: HandshakeOrder;
  /** Creates a fresh adapter for one call. */
  createStreamAdapter(): StreamAdapter;
}
