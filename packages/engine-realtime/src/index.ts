/**
 * The `realtime` engine: a speech-to-speech model (OpenAI Realtime) over one WebSocket per call,
 * with the vendor's turn taking, barge-in truncated to what the caller heard, and built-in tools.
 */
export {
  realtimeEngineSpec,
  realtimeRuntimeSpec,
  RealtimeConfigSchema,
  RealtimeRuntimeConfigSchema,
  RealtimeLlmSchema,
  REALTIME_CREDENTIAL_SECTIONS,
  REALTIME_VENDORS,
  type RealtimeConfig,
  type RealtimeRuntimeConfig,
} from './spec.ts';
export { createRealtimeEngine, realtimeUrlOf, REALTIME_PATH, type RealtimeEngineOptions } from './engine.ts';
export { RealtimeSession, type RealtimeConnectRequest, type RealtimeSessionDeps } from './session.ts';
export { sayInstructions, FAREWELL_INSTRUCTIONS, REPROMPT_INSTRUCTIONS } from './instructions.ts';
export { CallerSilence, type CallerSilenceHost, type CallerSilenceOptions } from './silence.ts';
export { CallEnding, type EndingKind, type EndingStep } from './call-ending.ts';
export { realtimeFormatOf, REALTIME_SAMPLE_RATE } from './format.ts';
export { Playout, heardShare, heardEndAt, MAX_PLAYOUT_ITEMS, type ItemCut, type PlayoutItem } from './playout.ts';
export { RealtimeCallRecord, type RealtimeUsage } from './call-record.ts';
export { CallerTurns, MAX_OPEN_CALLER_TURNS, type CallerTurnSpan } from './caller-turns.ts';
export { CallTranscript } from './call-transcript.ts';
export { interruptionOf, sessionConfigOf, turnDetectionOf } from './session-config.ts';
export { AgentAudioFeed, OUTBOUND_DEFAULTS, type AgentAudioFeedOptions } from './outbound.ts';
export { BargeIn, type BargeInHost, type BargeInOptions } from './barge-in.ts';
export { interruptionVerdict, vendorSilenceOf, INTERRUPTION_DEFAULTS, type InterruptionVerdict } from './interruption.ts';
export { ReplyDeadline } from './deadline.ts';
export {
  realtimeFailure,
  realtimeTimeoutFailure,
  errorEventFailure,
  responseFailure,
  BENIGN_REALTIME_ERRORS,
  type RealtimeAwaitedEvent,
} from './errors.ts';
