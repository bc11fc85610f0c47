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
