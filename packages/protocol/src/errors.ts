import { CloseCode } from './close-codes.ts';
import { EndReason } from './runs.ts';

/**
 * Stable codes for everything that can end an Agent Stream before or during the handshake.
 * They travel over the bus (control-plane → media-edge) and map to close codes in {@link STREAM_ERRORS}.
 */
export const StreamErrorCode = {
  UnknownProvider: 'unknown_provider',
  UnsupportedProvider: 'unsupported_provider',
  AgentNotFound: 'agent_not_found',
  QuotaExceeded: 'quota_exceeded',
  MissingProviderIdentifier: 'missing_provider_identifier',
  ConfigurationNotFound: 'configuration_not_found',
  ConfigurationMissingCredentials: 'configuration_missing_credentials',
  MalformedHandshake: 'malformed_handshake',
  SessionValidationFailed: 'session_validation_failed',
  DuplicateSession: 'duplicate_session',
  /** The provider signs its upgrade request (Twilio) and the signature is missing or wrong. */
  InvalidSignature: 'invalid_signature',
  HandshakeTimeout: 'handshake_timeout',
  /** A run-bound stream URL whose token is unknown, already used or expired (outbound calls). */
  InvalidStreamToken: 'invalid_stream_token',
  /** A run-bound stream URL whose run has already ended. */
  RunNotWaiting: 'run_not_waiting',
  EdgeDraining: 'edge_draining',
  /** Admissions are queued past their bound (edge or control-plane): refused at once, never left to time out. */
  Overloaded: 'overloaded',
  /** The source address already holds the most sockets allowed that have not completed their handshake. */
  TooManyPendingHandshakes: 'too_many_pending_handshakes',
  /** The source address opened new connections faster than its per-address rate allows. */
  TooManyConnections: 'too_many_connections',
  ControlPlaneUnavailable: 'control_plane_unavailable',
  Internal: 'internal',
} as const;

/** One of {@link StreamErrorCode}. */
export type StreamErrorCode = (typeof StreamErrorCode)[keyof typeof StreamErrorCode];

/** Close code, short human-readable close reason and (when a run exists) its end reason, per error code. */
export const STREAM_ERRORS = {
  unknown_provider: { close: CloseCode.RoutingFailure, reason: 'unknown provider', endReason: EndReason.ServerError },
  unsupported_provider: { close: CloseCode.ServerError, reason: 'provider not supported', endReason: EndReason.ServerError },
  agent_not_found: { close: CloseCode.RoutingFailure, reason: 'agent not found', endReason: EndReason.ServerError },
  quota_exceeded: { close: CloseCode.RoutingFailure, reason: 'quota exceeded', endReason: EndReason.ServerError },
  missing_provider_identifier: { close: CloseCode.HandshakeError, reason: 'missing provider identifier', endReason: EndReason.MalformedHandshake },
  configuration_not_found: { close: CloseCode.HandshakeError, reason: 'no matching telephony configuration', endReason: EndReason.MalformedHandshake },
  configuration_missing_credentials: { close: CloseCode.HandshakeError, reason: 'configuration has no credentials', endReason: EndReason.MalformedHandshake },
  malformed_handshake: { close: CloseCode.HandshakeError, reason: 'malformed handshake', endReason: EndReason.MalformedHandshake },
  session_validation_failed: { close: CloseCode.HandshakeError, reason: 'session validation failed', endReason: EndReason.SessionValidationFailed },
  duplicate_session: { close: CloseCode.HandshakeError, reason: 'duplicate session', endReason: EndReason.DuplicateSession },
  invalid_signature: { close: CloseCode.HandshakeError, reason: 'invalid signature', endReason: EndReason.InvalidSignature },
  handshake_timeout: { close: CloseCode.HandshakeTimeout, reason: 'handshake timeout', endReason: EndReason.HandshakeTimeout },
  invalid_stream_token: { close: CloseCode.HandshakeError, reason: 'invalid stream token', endReason: EndReason.MalformedHandshake },
  run_not_waiting: { close: CloseCode.RunNotWaiting, reason: 'run not waiting', endReason: EndReason.ServerError },
  edge_draining: { close: CloseCode.TryAgainLater, reason: 'try again later', endReason: EndReason.EdgeShutdown },
  overloaded: { close: CloseCode.TryAgainLater, reason: 'try again later', endReason: EndReason.ServerError },
  too_many_pending_handshakes: { close: CloseCode.TryAgainLater, reason: 'try again later', endReason: EndReason.ServerError },
  too_many_connections: { close: CloseCode.TryAgainLater, reason: 'try again later', endReason: EndReason.ServerError },
  control_plane_unavailable: { close: CloseCode.ServerError, reason: 'server error', endReason: EndReason.ServerError },
  internal: { close: CloseCode.ServerError, reason: 'server error', endReason: EndReason.ServerError },
} as const satisfies Record<StreamErrorCode, { close: CloseCode; reason: string; endReason: EndReason }>;

/** Options for {@link Vr3Error}. */
export interface Vr3ErrorOptions {
  cause?: unknown;
  retryable?: boolean;
}

/** Base class for errors with a stable machine-readable `code`. Never branch on `message`. */
export class Vr3Error<C extends string = string> extends Error {
  readonly code: C;
  readonly retryable: boolean;
  constructor(code: C, message: string, options: Vr3ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** A stream-level failure carrying a {@link StreamErrorCode}. */
export class StreamError extends Vr3Error<StreamErrorCode> {}

/** Bus error codes. */
export const BusErrorCode = {
  Timeout: 'bus_timeout',
  NoResponders: 'bus_no_responders',
  Closed: 'bus_closed',
  BadMessage: 'bus_bad_message',
  Remote: 'bus_remote_error',
} as const;

/** One of {@link BusErrorCode}. */
export type BusErrorCode = (typeof BusErrorCode)[keyof typeof BusErrorCode];

/** Raised by {@link Bus.request} when no answer comes, nobody listens, or the responder threw. */
export class BusError extends Vr3Error<BusErrorCode> {}
