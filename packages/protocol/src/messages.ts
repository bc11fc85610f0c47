import { z } from 'zod';
import { BusError, BusErrorCode, StreamErrorCode } from './errors.ts';
import { AudioEncoding } from './media.ts';
import { EndReason, RunState } from './runs.ts';

/** Queue group every control-plane replica answers requests in. */
export const CONTROL_PLANE_QUEUE = 'control-plane';

/** Bus subjects. Requests go edge → control-plane unless noted. */
export const Subjects = {
  /** Admit a new stream: agent lookup, quota, configuration, mint the run. */
  StreamAdmit: 'vr3.cp.stream.admit',
  /** The provider's `start` arrived: record it, validate the session, move the run to `running`. */
  RunStart: 'vr3.cp.run.start',
  /** End a run (idempotent: the first terminal write wins). */
  RunFinalize: 'vr3.cp.run.finalize',
  /** The agent asks for a provider action (hangup, transfer) on its call. */
  RunAction: 'vr3.cp.run.action',
  /** Edge liveness and the runs it holds (publish). */
  EdgeHeartbeat: 'vr3.edge.heartbeat',
  /** Control-plane → the edge holding a run: end or transfer it. */
  runControl: (runId: string): string => `vr3.edge.run.${runId}.control`,
} as const;

const errorBody = z.object({ code: z.enum(Object.values(StreamErrorCode) as [StreamErrorCode, ...StreamErrorCode[]]), message: z.string() });

/** Agent engine selection stored on an agent version. */
export const EngineConfigSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('echo'),
    /** Diagnostics: when the caller presses this DTMF digit, the echo agent hangs up. */
    hangup_dtmf: z.string().regex(/^[0-9*#A-D]$/).optional(),
    /** PCM16 rate the echo agent works at (default 16000, so both resamplers run on μ-law calls). */
    sample_rate: z.union([z.literal(8000), z.literal(16000), z.literal(24000), z.literal(48000)]).optional(),
  }),
]);
/** Agent engine selection stored on an agent version. */
export type EngineConfig = z.infer<typeof EngineConfigSchema>;

export const StreamAdmitRequestSchema = z.object({
  edge_id: z.string().min(1),
  provider: z.string().min(1),
  agent_uuid: z.string().min(1),
  /** Query parameters of the stream URL (never logged). */
  query: z.record(z.string(), z.string()),
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

export const RunStartRequestSchema = z.object({
  run_id: z.string(),
  edge_id: z.string(),
  start: z.object({
    stream_id: z.string(),
    call_id: z.string().optional(),
    session_id: z.string().optional(),
    account_id: z.string().optional(),
    from: z.string().optional(),
    to: z.string().optional(),
    custom_parameters: z.record(z.string(), z.string()),
    media_format: MediaFormatSchema,
    metadata: z.record(z.string(), z.unknown()),
  }),
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
  z.object({ ok: z.literal(true), settings: StreamSettingsSchema.optional() }),
  z.object({ ok: z.literal(false), error: errorBody }),
]);
export type RunStartResponse = z.infer<typeof RunStartResponseSchema>;

export const MediaStatsSchema = z.object({
  audio_in_ms: z.number().nonnegative(),
  audio_out_ms: z.number().nonnegative(),
  frames_in: z.number().int().nonnegative(),
  frames_out: z.number().int().nonnegative(),
  frames_dropped: z.number().int().nonnegative(),
});
export type MediaStats = z.infer<typeof MediaStatsSchema>;

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

/** Parses a bus payload with `schema`, raising `BusError(bus_bad_message)` on mismatch. */
export function parseMessage<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data);
  if (!result.success) {
    throw new BusError(BusErrorCode.BadMessage, `invalid message: ${result.error.issues[0]?.path.join('.') ?? ''} ${result.error.issues[0]?.message ?? ''}`.trim());
  }
  return result.data;
}
