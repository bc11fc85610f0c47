import type { AgentSession, CallInfo, EngineRegistry } from '@vr3/agent';
import type { AdmittedRun, MediaFormat, StartEvent } from '@vr3/protocol';
import type { Logger } from 'pino';
import { MediaEdgeError, MediaEdgeErrorCode } from '../errors.ts';

/**
 * What an engine knows about its call, from the admitted run, the accepted `start` and the stream
 * URL's query (numbers and call id where `start` lacks them, as Cloudonix streams do).
 */
export function buildCallInfo(run: AdmittedRun, start: StartEvent, callerFormat: MediaFormat, query: Readonly<Record<string, string>> = {}): CallInfo {
  const from = start.from ?? nonEmpty(query.from);
  const to = start.to ?? nonEmpty(query.to);
  const callId = start.callId ?? nonEmpty(query.callId) ?? nonEmpty(query.CallSid);
  return Object.freeze({
    runId: run.id,
    runName: run.name,
    agentUuid: run.agent_uuid,
    provider: run.provider,
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(callId === undefined ? {} : { callId }),
    streamId: start.streamId,
    customParameters: Object.freeze({ ...start.customParameters }),
    initialContext: Object.freeze({ ...run.initial_context }),
    callerFormat: Object.freeze({ encoding: callerFormat.encoding, sampleRate: callerFormat.sampleRate }),
  });
}

/** A created engine session and the controller whose signal tells it the call ended. */
export interface EngineSessionHandle {
  readonly session: AgentSession;
  readonly controller: AbortController;
  readonly engineType: string;
}

/** Options of {@link createEngineSession}. */
export interface CreateEngineSessionOptions {
  engines: EngineRegistry;
  run: AdmittedRun;
  call: CallInfo;
  logger: Logger;
}

/**
 * Validates the admitted run's engine configuration with the engine's own schema and creates the
 * session. Throws `MediaEdgeError`:
 * - `engine_not_found` — no engine of that type is registered here;
 * - `invalid_engine_config` — the configuration does not match the schema (the message names the
 *   failing paths, never the values: the configuration carries secrets);
 * - `engine_failed` — `createSession` threw (the cause is the engine's error; an `EngineError`
 *   chooses the run's end reason).
 */
export function createEngineSession(o: CreateEngineSessionOptions): EngineSessionHandle {
  const type = o.run.engine.type;
  const engine = o.engines.get(type);
  if (!engine) throw new MediaEdgeError(MediaEdgeErrorCode.EngineNotFound, `no engine registered for type ${type}`);
  const parsed = engine.spec.configSchema.safeParse(o.run.engine);
  if (!parsed.success) {
    const paths = [...new Set(parsed.error.issues.map((i) => i.path.map(String).join('.') || '(root)'))].slice(0, 8);
    throw new MediaEdgeError(MediaEdgeErrorCode.InvalidEngineConfig, `invalid ${type} engine config at: ${paths.join(', ')}`);
  }
  const controller = new AbortController();
  try {
    const session = engine.createSession({ config: parsed.data, call: o.call, signal: controller.signal, logger: o.logger.child({ component: 'engine', engine: type }) });
    return { session, controller, engineType: type };
  } catch (err) {
    controller.abort();
    throw new MediaEdgeError(MediaEdgeErrorCode.EngineFailed, 'engine session could not be created', { cause: err });
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
