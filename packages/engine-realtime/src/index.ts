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
export {
  RealtimeSession,
  realtimeFormatOf,
  sayInstructions,
  FAREWELL_INSTRUCTIONS,
  REALTIME_SAMPLE_RATE,
  type RealtimeConnectRequest,
  type RealtimeSessionDeps,
} from './session.ts';
export { Playout, heardShare, MAX_PLAYOUT_ITEMS, type ItemCut, type PlayoutItem } from './playout.ts';
export { realtimeFailure, errorEventFailure, BENIGN_REALTIME_ERRORS } from './errors.ts';
