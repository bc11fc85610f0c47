import { toSafeText } from './text.ts';

/**
 * WebSocket close codes used on the Agent Stream endpoint.
 * 1000/1008/1011/4400 come from the Agent Stream contract; 1013, 4408 and 4409 are our extensions.
 */
export const CloseCode = {
  /** Normal end of the call. */
  Normal: 1000,
  /** Routing failure: unknown provider, agent not found, quota exceeded. */
  RoutingFailure: 1008,
  /** Policy violation (the same 1008): the provider sent frames faster than the per-call cap. */
  PolicyViolation: 1008,
  /** Server-side failure, or a known provider Agent Stream does not support yet. */
  ServerError: 1011,
  /** Edge overloaded or draining: the provider may retry elsewhere. */
  TryAgainLater: 1013,
  /** Provider handshake error (missing identifier, no configuration, malformed start, validation failed). */
  HandshakeError: 4400,
  /** `connected`/`start` did not arrive before the handshake deadline. */
  HandshakeTimeout: 4408,
  /** A run-bound stream (outbound call) whose run is no longer waiting for its stream. */
  RunNotWaiting: 4409,
} as const;

/** One of the close codes in {@link CloseCode}. */
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Most bytes of a close frame's reason (UTF-8): a control frame carries 125, two of them the code. */
export const MAX_CLOSE_REASON_BYTES = 123;

/** Which side of the provider's socket sent the first close frame (or ended the connection). */
export const CloseInitiator = {
  /** The edge closed it (its close frame, or `ws` closing it for a protocol violation). */
  Edge: 'edge',
  /** The provider closed it, or the connection dropped without a close frame (1005, 1006). */
  Peer: 'peer',
} as const;
/** One of {@link CloseInitiator}. */
export type CloseInitiator = (typeof CloseInitiator)[keyof typeof CloseInitiator];

const utf8 = new TextEncoder();

/**
 * A close frame's reason as a run stores it: {@link toSafeText safe text} (a NUL or an unpaired
 * surrogate becomes U+FFFD), cut between characters to at most {@link MAX_CLOSE_REASON_BYTES} bytes of UTF-8.
 */
export function toCloseReason(reason: string): string {
  const text = toSafeText(reason);
  if (utf8.encode(text).length <= MAX_CLOSE_REASON_BYTES) return text;
  let bytes = 0;
  let kept = '';
  for (const char of text) {
    bytes += utf8.encode(char).length;
    if (bytes > MAX_CLOSE_REASON_BYTES) break;
    kept += char;
  }
  return kept;
}
