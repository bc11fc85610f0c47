import { Vr3Error } from '@vr3/protocol';

/** Stable codes of engine failures; each ends the run `failed` with the end reason of the same name. */
export const EngineErrorCode = {
  /** The engine's remote end (a bridged bot, a vendor) could not be reached when the call started. */
  AgentUnreachable: 'agent_unreachable',
  /** The remote end went away abnormally during the call. */
  AgentDisconnected: 'agent_disconnected',
  /** Any other engine failure. */
  AgentError: 'agent_error',
} as const;

/** One of {@link EngineErrorCode}. */
export type EngineErrorCode = (typeof EngineErrorCode)[keyof typeof EngineErrorCode];

/** An engine failure with a stable {@link EngineErrorCode}; pass it to `AgentIO.fail`. */
export class EngineError extends Vr3Error<EngineErrorCode> {}

/** Stable codes of engine configuration problems. */
export const EngineConfigErrorCode = {
  /** No engine of that `type` is registered. */
  UnknownEngine: 'unknown_engine',
  /** The configuration does not match the engine's schema. */
  InvalidConfig: 'invalid_engine_config',
  /** Two engines registered under one type. */
  DuplicateEngine: 'duplicate_engine',
} as const;

/** One of {@link EngineConfigErrorCode}. */
export type EngineConfigErrorCode = (typeof EngineConfigErrorCode)[keyof typeof EngineConfigErrorCode];

/** A problem with an engine configuration or registration. `issues` name the offending fields (never their values). */
export class EngineConfigError extends Vr3Error<EngineConfigErrorCode> {
  constructor(
    code: EngineConfigErrorCode,
    message: string,
    readonly issues: ReadonlyArray<{ path: string; message: string }> = [],
  ) {
    super(code, message);
  }
}

/** The end reason a failure passed to `AgentIO.fail` maps to. */
export function failureEndReason(err: unknown): EngineErrorCode {
  return err instanceof EngineError ? err.code : EngineErrorCode.AgentError;
}
