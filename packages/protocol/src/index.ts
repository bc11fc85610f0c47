export { CloseCode } from './close-codes.ts';
export { LOG_REDACT_PATHS } from './logging.ts';
export { UNSUPPORTED_PROVIDERS, isUnsupportedProvider, type UnsupportedProviderName } from './providers.ts';
export { RunState, EndReason, TERMINAL_RUN_STATES, ACTIVE_RUN_STATES, AGENT_STREAM_RUN_PREFIX } from './runs.ts';
export {
  StreamErrorCode,
  STREAM_ERRORS,
  Vr3Error,
  StreamError,
  BusError,
  BusErrorCode,
  type Vr3ErrorOptions,
} from './errors.ts';
export { AudioEncoding, MULAW_8K, type MediaFormat } from './media.ts';
export {
  isSafeText,
  findUnsafeText,
  toSafeText,
  toSafeJson,
  REPLACEMENT_CHARACTER,
  SafeTextSchema,
  safeJson,
  isUnsafeTextIssue,
  UNSAFE_TEXT_MESSAGE,
  UNSAFE_TEXT_ISSUE,
  type UnsafeTextHit,
} from './text.ts';
export { nestsDeeperThan } from './json-depth.ts';
export type { CallEvent, ConnectedEvent, StartEvent, MediaEvent, DtmfEvent, MarkEvent, ClearedEvent, StopEvent } from './events.ts';
export type { Bus, RequestOptions, SubscribeOptions, RequestHandler, MessageHandler, Subscription } from './bus.ts';
export { createInProcessBus } from './in-process-bus.ts';
export { createPortBus, type BusPort } from './port-bus.ts';
export { pendingRequest, replyErrorCodeOf, type ReplyHandle } from './pending-request.ts';
export {
  CONTROL_PLANE_QUEUE,
  Subjects,
  parseMessage,
  EngineConfigSchema,
  StreamAdmitRequestSchema,
  StreamAdmitResponseSchema,
  AdmittedRunSchema,
  MediaFormatSchema,
  RunStartRequestSchema,
  StreamUpgradeSchema,
  RunStartResponseSchema,
  MediaStatsSchema,
  FrameDropReason,
  FRAME_DROP_REASONS,
  StreamSettingsSchema,
  RunFinalizeRequestSchema,
  RunFinalizeResponseSchema,
  RunActionRequestSchema,
  RunActionResponseSchema,
  RunControlRequestSchema,
  RunControlResponseSchema,
  RunEventSchema,
  RunEventsRequestSchema,
  RunEventsResponseSchema,
  RUN_EVENT_TYPES,
  RUN_EVENTS_PERMANENT_ERRORS,
  RunEventsRefusal,
  MAX_RUN_EVENT_BYTES,
  MAX_RUN_EVENTS_PER_REQUEST,
  EdgeHeartbeatSchema,
  RunRecordingRequestSchema,
  RunRecordingResponseSchema,
  type RunRecordingRequest,
  type RunRecordingResponse,
  type EngineConfig,
  type StreamAdmitRequest,
  type StreamAdmitResponse,
  type AdmittedRun,
  type RunStartRequest,
  type StreamUpgrade,
  type RunStartResponse,
  type MediaStats,
  type StreamSettings,
  type RunFinalizeRequest,
  type RunFinalizeResponse,
  type RunActionRequest,
  type RunActionResponse,
  type RunControlRequest,
  type RunEvent,
  type RunEventType,
  type RunEventsRequest,
  type RunEventsResponse,
  type RunControlResponse,
  type EdgeHeartbeat,
} from './messages.ts';
