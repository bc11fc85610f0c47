/**
 * `@vr3/agent`: the agent-engine contract. A session gets the call's metadata, its audio in a
 * format it chooses, DTMF, playback marks and a playback clock, and acts through {@link AgentIO}:
 * audio out, clear, mark, hangup, transfer, run events and context updates. Engines live in their
 * own packages and register an {@link EngineSpec} (config schema, secret fields) and an {@link Engine}.
 * Runtime-free: no sockets, no environment; the clocks shared by the engines that speak for
 * themselves ({@link PlayoutMeter}, the real-time metering of their outbound audio, and
 * {@link SilenceWatch}, caller silence) own their timers, injectable ({@link Timers}). The final
 * conversation an engine leaves on its run is kept by a {@link TranscriptRecord}.
 */
export type { AgentIO, AgentSession, CallInfo, ClearResult, EngineLogger, PlaybackClock, SessionCloseInfo, SessionContext } from './session.ts';
export type {
  RunEventInput,
  TranscriptEvent,
  ToolCallEvent,
  MetricEvent,
  VariablesEvent,
  LogEvent,
  CustomEvent,
} from './run-events.ts';
export { defineEngineSpec, type Engine, type EngineSpec } from './engine.ts';
export { EngineCatalog, EngineRegistry, type ValidEngineConfig } from './catalog.ts';
export { splitSecrets, joinSecrets, secretPaths, applySecretUpdate, type EngineSecret } from './secrets.ts';
export { PlayoutMeter, PLAYOUT_METER_DEFAULTS, type PlayoutMeterOptions } from './playout-meter.ts';
export { SilenceWatch, type SilenceActions, type SilenceOptions } from './silence.ts';
export { SilenceConfigSchema, silenceOptionsOf, type SilenceConfig } from './silence-config.ts';
export { GLOBAL_TIMERS, type Timers } from './timers.ts';
export { renderTemplate, callVariables, type RenderedTemplate } from './template.ts';
export { TranscriptRecord, fittedLine, MAX_TRANSCRIPT_CONTEXT_BYTES, type TranscriptEntry, type TranscriptContext } from './transcript-record.ts';
export { ResolvedCredentialSchema, type ResolvedCredential } from './credential.ts';
export { EngineError, EngineErrorCode, EngineConfigError, EngineConfigErrorCode, failureEndReason } from './errors.ts';
