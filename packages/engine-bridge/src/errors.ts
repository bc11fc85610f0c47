import { EngineError, EngineErrorCode } from '@vr3/agent';
import { Vr3Error } from '@vr3/protocol';

/**
 * Why a bridged call failed: the engine error code each maps to (the run's end reason), the close
 * code the bridge sends the bot where it is the one closing, and a static message. Messages and
 * details never hold the bot's URL, its headers or anything the bot sent.
 */
export const BRIDGE_FAILURES = {
  /** TCP, DNS or TLS failure before the upgrade (refused, unreachable, bad certificate). */
  connect_failed: { code: EngineErrorCode.AgentUnreachable, botClose: null, message: 'could not connect to the bot' },
  /** The bot answered the upgrade with another HTTP status (401, 404, 500, …). */
  upgrade_refused: { code: EngineErrorCode.AgentUnreachable, botClose: null, message: 'the bot refused the WebSocket upgrade' },
  /** No open WebSocket within `connect_timeout_ms`. */
  connect_timeout: { code: EngineErrorCode.AgentUnreachable, botClose: null, message: 'no WebSocket connection to the bot in time' },
  /** The bot's socket closed abnormally mid-call: 1006 (no close frame), 1001, 1011 or any code but 1000/1005. */
  bot_dropped: { code: EngineErrorCode.AgentDisconnected, botClose: null, message: 'the bot connection dropped' },
  /** The bot sent messages faster than the frame-rate cap. */
  frame_rate_exceeded: { code: EngineErrorCode.AgentError, botClose: 1008, message: 'the bot sent frames faster than allowed and was cut off' },
  /** The bot sent a message over `maxPayloadBytes` (`ws` closes with 1009). */
  frame_too_large: { code: EngineErrorCode.AgentError, botClose: 1009, message: 'the bot sent a frame over the size limit and was cut off' },
} as const satisfies Record<string, { code: EngineErrorCode; botClose: number | null; message: string }>;

/** One of the keys of {@link BRIDGE_FAILURES}. */
export type BridgeFailureReason = keyof typeof BRIDGE_FAILURES;

/** Safe facts about a failure: an HTTP status, a close code, a socket error code, a limit. */
export type FailureDetail = Readonly<Record<string, string | number>>;

/** The {@link EngineError} passed to `AgentIO.fail` for `reason`; `detail` is appended to the static message. */
export function bridgeFailure(reason: BridgeFailureReason, detail: FailureDetail = {}, cause?: unknown): EngineError {
  const f = BRIDGE_FAILURES[reason];
  const facts = Object.entries(detail).map(([k, v]) => `${k} ${v}`).join(', ');
  return new EngineError(f.code, facts === '' ? f.message : `${f.message} (${facts})`, cause === undefined ? {} : { cause });
}

/** Codes of {@link BotFrameError}. */
export const BotFrameErrorCode = {
  /** Not JSON, not an object, no `event`, or a field missing or mistyped. */
  Malformed: 'malformed_bot_frame',
} as const;

/** One of {@link BotFrameErrorCode}. */
export type BotFrameErrorCode = (typeof BotFrameErrorCode)[keyof typeof BotFrameErrorCode];

/** A `vr3` frame the bridge cannot use; the session counts and skips it. */
export class BotFrameError extends Vr3Error<BotFrameErrorCode> {}
