import { CloseCode, EndReason, RunState, STREAM_ERRORS, Vr3Error, type StreamErrorCode } from '@vr3/protocol';

/** Stable codes of errors raised inside the media-edge. */
export const MediaEdgeErrorCode = {
  /** `MediaEdgeOptions.config` failed validation. */
  InvalidConfig: 'invalid_config',
  /** The admitted run names an engine type this edge has not registered. */
  EngineNotFound: 'engine_not_found',
  /** The admitted run's engine configuration does not match the engine's own schema. */
  InvalidEngineConfig: 'invalid_engine_config',
  /** The agent engine threw, rejected or called `fail()`. */
  EngineFailed: 'engine_failed',
  /** The negotiated media format cannot be transcoded. */
  UnsupportedMediaFormat: 'unsupported_media_format',
} as const;

/** One of {@link MediaEdgeErrorCode}. */
export type MediaEdgeErrorCode = (typeof MediaEdgeErrorCode)[keyof typeof MediaEdgeErrorCode];

/** An error raised by the media-edge itself, with a stable {@link MediaEdgeErrorCode}. */
export class MediaEdgeError extends Vr3Error<MediaEdgeErrorCode> {}

/** Terminal run states the edge reports. */
export type FinalRunState = typeof RunState.Completed | typeof RunState.Failed;

/** How a call ends: the run's terminal state and reason, and the close frame to send (null: socket already gone). */
export interface CallOutcome {
  readonly state: FinalRunState;
  readonly endReason: EndReason;
  readonly close: { readonly code: number; readonly reason: string } | null;
  /** Short, non-sensitive description of a failure, stored on the run. */
  readonly error?: string;
  /** The provider's reason for ending the stream (Exotel `stop.reason`), recorded on the run. */
  readonly stopReason?: string;
}

/** Ways a call ends once its stream exists, besides the handshake errors of {@link STREAM_ERRORS}. */
export const CallEnd = {
  CallerHangup: 'caller_hangup',
  StreamClosed: 'stream_closed',
  /** The peer closed the socket before the run was running. */
  StreamAbandoned: 'stream_abandoned',
  /** `ws` closed the socket for a protocol violation (e.g. a frame over `maxPayloadBytes`: 1009). */
  ProtocolError: 'protocol_error',
  /** The provider sent frames faster than the per-call cap (`maxInboundFramesPerSecond`): cut off. */
  FrameRateExceeded: 'frame_rate_exceeded',
  AgentHangup: 'agent_hangup',
  Transfer: 'transfer',
  DurationLimit: 'duration_limit',
  AgentError: 'agent_error',
  /** The engine's remote end (a bridged bot, a vendor) could not be reached when the call started. */
  AgentUnreachable: 'agent_unreachable',
  /** The engine's remote end went away abnormally during the call. */
  AgentDisconnected: 'agent_disconnected',
  EdgeShutdown: 'edge_shutdown',
  ServerError: 'server_error',
} as const;

/** One of {@link CallEnd}. */
export type CallEnd = (typeof CallEnd)[keyof typeof CallEnd];

/**
 * The one table from internal call endings to run state, end reason and close code.
 * Engine failures (`agent_error`, `agent_unreachable`, `agent_disconnected`) close **1011**: a
 * server-side failure in the Agent Stream contract. The provider has already been asked to hang the
 * call up (`RunAction hangup`) by then, so the close code only tells the provider's logs why.
 */
export const CALL_ENDS = {
  caller_hangup: { state: RunState.Completed, endReason: EndReason.CallerHangup, close: CloseCode.Normal, reason: 'call ended' },
  stream_closed: { state: RunState.Completed, endReason: EndReason.StreamClosed, close: CloseCode.Normal, reason: 'stream closed' },
  stream_abandoned: { state: RunState.Failed, endReason: EndReason.StreamClosed, close: CloseCode.Normal, reason: 'stream closed' },
  protocol_error: { state: RunState.Failed, endReason: EndReason.StreamClosed, close: CloseCode.ServerError, reason: 'protocol error' },
  frame_rate_exceeded: { state: RunState.Failed, endReason: EndReason.FrameRateExceeded, close: CloseCode.PolicyViolation, reason: 'frame rate exceeded' },
  agent_hangup: { state: RunState.Completed, endReason: EndReason.AgentHangup, close: CloseCode.Normal, reason: 'agent hangup' },
  transfer: { state: RunState.Completed, endReason: EndReason.Transfer, close: CloseCode.Normal, reason: 'transferred' },
  duration_limit: { state: RunState.Completed, endReason: EndReason.DurationLimit, close: CloseCode.Normal, reason: 'duration limit' },
  agent_error: { state: RunState.Failed, endReason: EndReason.AgentError, close: CloseCode.ServerError, reason: 'agent error' },
  agent_unreachable: { state: RunState.Failed, endReason: EndReason.AgentUnreachable, close: CloseCode.ServerError, reason: 'agent unreachable' },
  agent_disconnected: { state: RunState.Failed, endReason: EndReason.AgentDisconnected, close: CloseCode.ServerError, reason: 'agent disconnected' },
  edge_shutdown: { state: RunState.Failed, endReason: EndReason.EdgeShutdown, close: CloseCode.TryAgainLater, reason: 'try again later' },
  server_error: { state: RunState.Failed, endReason: EndReason.ServerError, close: CloseCode.ServerError, reason: 'server error' },
} as const satisfies Record<CallEnd, { state: FinalRunState; endReason: EndReason; close: CloseCode; reason: string }>;

/** Options of the outcome builders. */
export interface OutcomeOptions {
  /** The socket is already closed: send no close frame. */
  socketClosed?: boolean;
  error?: string;
}

/** The outcome of a {@link CallEnd}. */
export function callOutcome(end: CallEnd, options: OutcomeOptions = {}): CallOutcome {
  const row = CALL_ENDS[end];
  return build(row.state, row.endReason, row.close, row.reason, options);
}

/** The outcome of a stream error: the run fails with the table's end reason and the stream closes with its code. */
export function streamErrorOutcome(code: StreamErrorCode, options: OutcomeOptions = {}): CallOutcome {
  const row = STREAM_ERRORS[code];
  return build(RunState.Failed, row.endReason, row.close, row.reason, { error: code, ...options });
}

/** The outcome of a control-plane `end` request: completed with its reason, closed normally. */
export function controlEndOutcome(endReason: EndReason): CallOutcome {
  return build(RunState.Completed, endReason, CloseCode.Normal, 'call ended', {});
}

function build(state: FinalRunState, endReason: EndReason, code: number, reason: string, options: OutcomeOptions): CallOutcome {
  const close = options.socketClosed ? null : { code, reason };
  return options.error === undefined ? { state, endReason, close } : { state, endReason, close, error: options.error };
}
