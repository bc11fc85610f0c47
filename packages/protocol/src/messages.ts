import { z } from 'zod';
import { CloseInitiator, MAX_CLOSE_REASON_BYTES } from './close-codes.ts';
import { BusError, BusErrorCode, StreamError, StreamErrorCode } from './errors.ts';
import { AudioEncoding } from './media.ts';
import { EndReason, RunState } from './runs.ts';
import { SafeTextSchema, UNSAFE_TEXT_MESSAGE, isUnsafeTextIssue, safeJson } from './text.ts';

/** Queue group every control-plane replica answers requests in. */
export const CONTROL_PLANE_QUEUE = 'control-plane';
/** A control-plane replica's id on the bus (a subject token): 12 lower-case hex digits. */
export const REPLICA_ID = /^[0-9a-f]{12}$/;

/** Bus subjects. Requests go edge → control-plane unless noted. */
export const Subjects = {
  /** Admit a new stream: agent lookup, quota, configuration, mint the run. */
  StreamAdmit: 'vr3.cp.stream.admit',
  /** The provider's `start` arrived: record it, validate the session, move the run to `running`. */
  RunStart: 'vr3.cp.run.start',
  /**
   * `RunStart` for the replica that admitted the run (`AdmittedRun.replica`), which holds the run
   * as it minted it; answered by that replica alone (no queue group). Nobody answering (the replica
   * is gone): the edge asks {@link Subjects.RunStart}.
   */
  runStartAt: (replica: string): string => `vr3.cp.replica.${replica}.run.start`,
  /** End a run (idempotent: the first terminal write wins). */
  RunFinalize: 'vr3.cp.run.finalize',
  /** The agent asks for a provider action (hangup, transfer) on its call. */
  RunAction: 'vr3.cp.run.action',
  /** Run events an engine emitted (transcripts, tool calls, metrics, context updates), in order. */
  RunEvents: 'vr3.cp.run.events',
  /** The call's recording is stored: record it on the run (idempotent). */
  RunRecording: 'vr3.cp.run.recording',
  /** Edge liveness and the runs it holds (publish). */
  EdgeHeartbeat: 'vr3.edge.heartbeat',
  /** Control-plane → the edge holding a run: end or transfer it. */
  runControl: (runId: string): string => `vr3.edge.run.${runId}.control`,
} as const;

const errorBody = z.object({ code: z.enum(Object.values(StreamErrorCode) as [StreamErrorCode, ...StreamErrorCode[]]), message: z.string() });

/**
 * Agent engine selection stored on an agent version: `type` names a registered engine and the rest is
 * that engine's own configuration, validated by the engine's schema (`@vr3/agent` `EngineCatalog`).
 * On the bus (`StreamAdmit` answer) it carries the engine's secrets in memory: never log it.
 */
export const EngineConfigSchema = z.looseObject({
  type: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'engine type: lower-case letters, digits, "_" or "-"'),
});
/** Agent engine selection stored on an agent version. */
export type EngineConfig = z.infer<typeof EngineConfigSchema>;

/**
 * The edge asks to admit a stream. Text from the stream URL is {@link SafeTextSchema safe text}: a
 * request carrying NUL or an unpaired surrogate is refused `malformed_handshake` (see {@link parseMessage}).
 */
export const StreamAdmitRequestSchema = z.object({
  edge_id: SafeTextSchema.min(1),
  provider: SafeTextSchema.min(1),
  agent_uuid: SafeTextSchema.min(1),
  /** Query parameters of the stream URL (never logged). */
  query: safeJson(z.record(z.string(), z.string())),
  /**
   * How long the edge waits for this answer, in milliseconds. The control-plane takes it from the
   * moment it starts handling the request (no clocks compared): it refuses the request with
   * `overloaded` once that has passed before a run is minted, and undoes a run it minted after it.
   */
  timeout_ms: z.number().int().positive().optional(),
});
export type StreamAdmitRequest = z.infer<typeof StreamAdmitRequestSchema>;

export const AdmittedRunSchema = z.object({
  id: z.string(),
  name: z.string(),
  agent_uuid: z.string(),
  provider: z.string(),
  /**
   * The configuration matched from the stream URL (Cloudonix `Domain`); `null` for providers whose
   * account is named by `start` (resolved by `RunStart`).
   */
  telephony_configuration_id: z.string().nullable(),
  engine: EngineConfigSchema,
  /** Hard limit on call length, if any. */
  max_duration_ms: z.number().int().positive().nullable(),
  /** The run's `initial_context` as minted (caller/called numbers, …), for the engine. */
  initial_context: z.record(z.string(), z.unknown()).default({}),
  /** The agent opted in to call recording: the edge records both directions (see docs/recordings.md). Absent: off. */
  recording: z.boolean().optional(),
  /** The replica that minted the run: `RunStart` goes to it first ({@link Subjects.runStartAt}). Absent: any replica. */
  replica: z.string().regex(REPLICA_ID).optional(),
});
export type AdmittedRun = z.infer<typeof AdmittedRunSchema>;

export const StreamAdmitResponseSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), run: AdmittedRunSchema }),
  z.object({ ok: z.literal(false), error: errorBody }),
]);
export type StreamAdmitResponse = z.infer<typeof StreamAdmitResponseSchema>;

export const MediaFormatSchema = z.object({
  encoding: z.enum(Object.values(AudioEncoding) as [AudioEncoding, ...AudioEncoding[]]),
  sampleRate: z.number().int().positive(),
});

/**
 * What the edge forwards of a stream's WebSocket upgrade request so that the control-plane, which
 * holds the credentials, can check a provider's signature of it (Twilio `X-Twilio-Signature`,
 * HMAC over the URL it requested). Never logged: the URL carries the query string.
 */
export const StreamUpgradeSchema = z.object({
  /**
   * The public URL the provider requested (scheme, host and the request's path and query as
   * received), when the edge knows its public address (`VR3_PUBLIC_URL`); absent otherwise, and then
   * no signature can be checked.
   */
  url: z.string().max(16_384).optional(),
  /** The provider signature headers of the request (lower-case names), as received. */
  signature_headers: z
    .record(z.string().max(64), z.string().max(1024))
    .refine((headers) => Object.keys(headers).length <= 8, 'at most 8 signature headers'),
});
export type StreamUpgrade = z.infer<typeof StreamUpgradeSchema>;

/**
 * The provider's `start` arrived. Every string and key of it is {@link SafeTextSchema safe text}: a
 * request carrying NUL or an unpaired surrogate is refused `malformed_handshake` (see {@link parseMessage}).
 */
export const RunStartRequestSchema = z.object({
  run_id: SafeTextSchema,
  edge_id: SafeTextSchema,
  start: z.object({
    stream_id: SafeTextSchema,
    call_id: SafeTextSchema.optional(),
    session_id: SafeTextSchema.optional(),
    account_id: SafeTextSchema.optional(),
    from: SafeTextSchema.optional(),
    to: SafeTextSchema.optional(),
    custom_parameters: safeJson(z.record(z.string(), z.string())),
    media_format: MediaFormatSchema,
    metadata: safeJson(z.record(z.string(), z.unknown())),
  }),
  /** The stream's WebSocket upgrade request, for providers that sign it (see {@link StreamUpgradeSchema}). */
  upgrade: StreamUpgradeSchema.optional(),
});
export type RunStartRequest = z.infer<typeof RunStartRequestSchema>;

/**
 * Per-configuration stream settings the edge applies to the provider adapter (e.g. Vobiz
 * `l16_inbound_byte_order`). Keys and values are validated by the provider's descriptor when stored.
 */
export const StreamSettingsSchema = z.record(z.string(), z.string());
export type StreamSettings = z.infer<typeof StreamSettingsSchema>;

/** `ok:false` means the control-plane has already ended the run `failed`; the edge closes with the mapped code. */
export const RunStartResponseSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    settings: StreamSettingsSchema.optional(),
    /** The run's `initial_context` once `start` filled what the URL lacked (caller/called numbers), for the engine. */
    initial_context: z.record(z.string(), z.unknown()).optional(),
  }),
  z.object({ ok: z.literal(false), error: errorBody }),
]);
export type RunStartResponse = z.infer<typeof RunStartResponseSchema>;

/**
 * Why a media frame did not reach its destination: the `reason` label of the edge's
 * `vr3_media_edge_frames_dropped_total` and the keys of `frames_dropped_by_reason` in a run's stats.
 */
export const FrameDropReason = {
  /** Outbound: the call's queue of agent audio was full (`VR3_MAX_OUTBOUND_BUFFER_MS`); the oldest frame was dropped. */
  QueueFull: 'queue_full',
  /** Outbound: the provider socket held more unsent bytes than allowed; the frame was not sent. */
  SocketBackpressure: 'socket_backpressure',
  /** Inbound: caller audio received after `start` whose call ended before its agent started. */
  NotRunning: 'not_running',
  /** Inbound: more caller audio arrived between `start` and `running` than the early-audio buffer holds; the oldest was dropped. */
  EarlyAudioOverflow: 'early_audio_overflow',
  /** Inbound: the agent engine dropped caller audio it could not take (a bridged bot connecting or reading too slowly). */
  AgentBackpressure: 'agent_backpressure',
} as const;
export type FrameDropReason = (typeof FrameDropReason)[keyof typeof FrameDropReason];

/** Every {@link FrameDropReason}, in documentation order. */
export const FRAME_DROP_REASONS = Object.freeze(Object.values(FrameDropReason)) as readonly FrameDropReason[];

export const MediaStatsSchema = z.object({
  audio_in_ms: z.number().nonnegative(),
  audio_out_ms: z.number().nonnegative(),
  frames_in: z.number().int().nonnegative(),
  frames_out: z.number().int().nonnegative(),
  /** Both directions, every reason. */
  frames_dropped: z.number().int().nonnegative(),
  /** `frames_dropped` split by {@link FrameDropReason} (reasons with none left out); absent from older edges. */
  frames_dropped_by_reason: z.partialRecord(z.enum(FRAME_DROP_REASONS as [FrameDropReason, ...FrameDropReason[]]), z.number().int().nonnegative()).optional(),
});
export type MediaStats = z.infer<typeof MediaStatsSchema>;

const utf8 = new TextEncoder();

/**
 * How the provider's socket closed, recorded on the run: the close code and reason (at most
 * {@link MAX_CLOSE_REASON_BYTES} bytes of UTF-8, {@link SafeTextSchema safe text}) of the first close
 * frame, and which side sent it. A connection that dropped without one has the peer's 1005/1006.
 */
export const RunCloseSchema = z.object({
  code: z.number().int().min(1000).max(4999),
  reason: SafeTextSchema.refine((text) => utf8.encode(text).length <= MAX_CLOSE_REASON_BYTES, `at most ${MAX_CLOSE_REASON_BYTES} bytes`),
  initiator: z.enum([CloseInitiator.Edge, CloseInitiator.Peer]),
});
export type RunClose = z.infer<typeof RunCloseSchema>;

export const RunFinalizeRequestSchema = z.object({
  run_id: z.string(),
  edge_id: z.string(),
  state: z.enum([RunState.Completed, RunState.Failed]),
  end_reason: z.enum(Object.values(EndReason) as [EndReason, ...EndReason[]]),
  /** Short, non-sensitive description of a failure. */
  error: z.string().optional(),
  /** The provider's own reason for ending the stream (Exotel `stop.reason`), recorded on the run. */
  stop_reason: z.string().max(64).optional(),
  stats: MediaStatsSchema.optional(),
  /** How the provider's socket closed; absent when no socket was involved or from older edges. */
  close: RunCloseSchema.optional(),
});
export type RunFinalizeRequest = z.infer<typeof RunFinalizeRequestSchema>;

export const RunFinalizeResponseSchema = z.object({ ok: z.literal(true), already_final: z.boolean() });
export type RunFinalizeResponse = z.infer<typeof RunFinalizeResponseSchema>;

export const RunActionRequestSchema = z.object({
  run_id: z.string(),
  action: z.enum(['hangup', 'transfer']),
  /** Provider-specific transfer target (e.g. CXML for Cloudonix). */
  target: z.string().optional(),
});
export type RunActionRequest = z.infer<typeof RunActionRequestSchema>;

export const RunActionResponseSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
]);
export type RunActionResponse = z.infer<typeof RunActionResponseSchema>;

/** Kinds of run events. `context` events are also merged into the run's `gathered_context`. */
export const RUN_EVENT_TYPES = ['transcript', 'tool_call', 'metric', 'variables', 'log', 'context', 'event'] as const;
/** One of {@link RUN_EVENT_TYPES}. */
export type RunEventType = (typeof RUN_EVENT_TYPES)[number];
/** Largest JSON size of one run event's `data`, in bytes (larger events are refused by the edge). */
export const MAX_RUN_EVENT_BYTES = 16_384;
/** Most run events in one `RunEvents` request. */
export const MAX_RUN_EVENTS_PER_REQUEST = 200;

/** One run event as carried on the bus and stored on the run. `seq` orders a run's events (from 1, per edge). */
export const RunEventSchema = z.object({
  seq: z.number().int().positive(),
  /** Wall-clock milliseconds since the epoch when the engine emitted it. */
  at: z.number().int().nonnegative(),
  type: z.enum(RUN_EVENT_TYPES),
  data: z.record(z.string(), z.unknown()),
});
export type RunEvent = z.infer<typeof RunEventSchema>;

/** Edge → control-plane: store these events (idempotent by `(run_id, seq)`), merge `context` events into `gathered_context`. */
export const RunEventsRequestSchema = z.object({
  run_id: z.string(),
  edge_id: z.string(),
  events: z.array(RunEventSchema).min(1).max(MAX_RUN_EVENTS_PER_REQUEST),
});
export type RunEventsRequest = z.infer<typeof RunEventsRequestSchema>;

/**
 * Codes a `RunEvents` responder fails with (as the `cause.code` of a `bus_remote_error`) when a
 * retry cannot help; with a malformed batch ({@link RUN_EVENTS_PERMANENT_ERRORS}) the edge drops
 * the batch instead of re-sending it.
 */
export const RunEventsRefusal = {
  /** No run has the id the events name. */
  RunNotFound: 'run_not_found',
  /** The run is held by another edge than the one sending the events. */
  EdgeMismatch: 'run_edge_mismatch',
} as const;
/** One of {@link RunEventsRefusal}. */
export type RunEventsRefusal = (typeof RunEventsRefusal)[keyof typeof RunEventsRefusal];

/** {@link RunEventsRefusal}s and a malformed batch: what the edge never re-sends. */
export const RUN_EVENTS_PERMANENT_ERRORS: readonly string[] = Object.freeze([...Object.values(RunEventsRefusal), BusErrorCode.BadMessage]);

export const RunEventsResponseSchema = z.object({ ok: z.literal(true), stored: z.number().int().nonnegative() });
export type RunEventsResponse = z.infer<typeof RunEventsResponseSchema>;

/** Edge → control-plane: a call's two-channel WAV recording is stored under `key`; record it on the run. */
export const RunRecordingRequestSchema = z.object({
  run_id: z.string(),
  edge_id: z.string(),
  /** The key in the recording store (`{run_id}.wav`). */
  key: z.string().min(1).max(512),
  bytes: z.number().int().positive(),
  duration_ms: z.number().int().nonnegative(),
  channels: z.number().int().positive(),
  sample_rate: z.number().int().positive(),
});
export type RunRecordingRequest = z.infer<typeof RunRecordingRequestSchema>;

/** `run_not_found`: no such run (deleted): the edge gives the recording up. */
export const RunRecordingResponseSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.literal('run_not_found'), message: z.string() }) }),
]);
export type RunRecordingResponse = z.infer<typeof RunRecordingResponseSchema>;

export const RunControlRequestSchema = z.object({
  action: z.literal('end'),
  end_reason: z.enum(Object.values(EndReason) as [EndReason, ...EndReason[]]),
});
export type RunControlRequest = z.infer<typeof RunControlRequestSchema>;

export const RunControlResponseSchema = z.object({ ok: z.boolean() });
export type RunControlResponse = z.infer<typeof RunControlResponseSchema>;

export const EdgeHeartbeatSchema = z.object({
  edge_id: z.string(),
  run_ids: z.array(z.string()),
  draining: z.boolean(),
});
export type EdgeHeartbeat = z.infer<typeof EdgeHeartbeatSchema>;

/**
 * Parses a bus payload with `schema`, raising `BusError(bus_bad_message)` on mismatch. When the
 * payload's only fault is unsafe text (NUL or an unpaired surrogate, which a peer sent and the
 * database cannot store), it raises `StreamError(malformed_handshake)` instead: the stream is
 * refused 4400, not failed as a server error. Messages name the path, never the value.
 */
export function parseMessage<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data);
  if (!result.success) {
    const { issues } = result.error;
    if (issues.length > 0 && issues.every(isUnsafeTextIssue)) {
      const path = issues[0]!.path.join('.');
      throw new StreamError(StreamErrorCode.MalformedHandshake, `invalid message: ${path === '' ? '' : `${path} `}${UNSAFE_TEXT_MESSAGE}`);
    }
    throw new BusError(BusErrorCode.BadMessage, `invalid message: ${result.error.issues[0]?.path.join('.') ?? ''} ${result.error.issues[0]?.message ?? ''}`.trim());
  }
  return result.data;
}
