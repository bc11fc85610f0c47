/** WorkflowRun states: `initialized → running → completed | failed`. */
export const RunState = {
  Initialized: 'initialized',
  Running: 'running',
  Completed: 'completed',
  Failed: 'failed',
} as const;

/** One of {@link RunState}. */
export type RunState = (typeof RunState)[keyof typeof RunState];

/** States a run never leaves. */
export const TERMINAL_RUN_STATES: readonly RunState[] = [RunState.Completed, RunState.Failed];

/** States that hold a concurrent-call quota slot. */
export const ACTIVE_RUN_STATES: readonly RunState[] = [RunState.Initialized, RunState.Running];

/** Why a run ended. Stored verbatim in `end_reason`. */
export const EndReason = {
  /** The provider sent `stop` (caller or provider ended the call). */
  CallerHangup: 'caller_hangup',
  /** The provider closed the socket without `stop`. */
  StreamClosed: 'stream_closed',
  /** The agent engine asked to hang up. */
  AgentHangup: 'agent_hangup',
  /** `POST /api/v1/runs/{id}/hangup`. */
  ApiHangup: 'api_hangup',
  /** The call was transferred away from the agent. */
  Transfer: 'transfer',
  /** `connected`/`start` did not arrive in time. */
  HandshakeTimeout: 'handshake_timeout',
  /** `connected`/`start` was malformed or out of order. */
  MalformedHandshake: 'malformed_handshake',
  /** The provider did not confirm the call session. */
  SessionValidationFailed: 'session_validation_failed',
  /** Another live run of the same telephony configuration already streams this provider session. */
  DuplicateSession: 'duplicate_session',
  /** The stream's upgrade request did not carry the provider's valid signature (Twilio `X-Twilio-Signature`). */
  InvalidSignature: 'invalid_signature',
  /** The provider sent frames faster than the edge's per-call cap: the stream was cut off (close 1008). */
  FrameRateExceeded: 'frame_rate_exceeded',
  /** The agent engine failed. */
  AgentError: 'agent_error',
  /** The agent's remote end (a bridged bot, a vendor) could not be reached at the start of the call. */
  AgentUnreachable: 'agent_unreachable',
  /** The agent's remote end (a bridged bot) went away abnormally during the call. */
  AgentDisconnected: 'agent_disconnected',
  /** The media-edge holding the call stopped heart-beating. */
  EdgeLost: 'edge_lost',
  /** The media-edge shut down while the call was live. */
  EdgeShutdown: 'edge_shutdown',
  /** The call hit its maximum duration. */
  DurationLimit: 'duration_limit',
  /** Outbound call: the called number was busy or rejected the call. */
  Busy: 'busy',
  /** Outbound call: nobody answered before the provider gave up. */
  NoAnswer: 'no_answer',
  /** Outbound call: the provider refused to place the call, or reported it failed or canceled. */
  ProviderFailed: 'provider_failed',
  /** Any other server-side failure. */
  ServerError: 'server_error',
} as const;

/** One of {@link EndReason}. */
export type EndReason = (typeof EndReason)[keyof typeof EndReason];

/** Run `mode` and `call_type` constants for Agent Stream runs. */
export const AGENT_STREAM_RUN_PREFIX = 'WR-AGS-';
