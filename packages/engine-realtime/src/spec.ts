/**
 * The `realtime` engine's configuration: runtime-free (zod only), for the control-plane catalog
 * (`@vr3/engine-realtime/spec`) and the edge. Named like the `voice` engine's where they mean
 * the same: `llm.credential_id`, `prompt`, `greeting`, `silence` (the same section,
 * {@link SilenceConfigSchema}), `interruption`, `endpointing`, `max_duration_s`, `language`.
 */
import { ResolvedCredentialSchema, SilenceConfigSchema, defineEngineSpec } from '@vr3/agent';
import { TOOLS_SECRET_FIELDS, ToolsSchema } from '@vr3/tools/spec';
import { z } from 'zod';

/** Vendors a realtime agent's `llm` may name. */
export const REALTIME_VENDORS = ['openai'] as const;

const CredentialId = z.uuid();
const Language = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'an ISO-639 language code (en, pt-BR)');
const Model = z.string().min(1).max(128);

/** `llm`: the speech-to-speech model and the service credential it runs under. */
export const RealtimeLlmSchema = z.strictObject({
  vendor: z.enum(REALTIME_VENDORS),
  credential_id: CredentialId,
  /** `gpt-realtime`, … (sent as the `model` query parameter). */
  model: Model,
  /** Output voice (`marin`, `cedar`, `alloy`, …); the vendor's default when absent. */
  voice: z.string().min(1).max(128).optional(),
});

/**
 * `engine: {type: "realtime", llm, prompt, greeting?, tools?, silence?, interruption?, vad?,
 * endpointing?, transcription?, max_duration_s?, language?}`. `prompt` and `greeting` take `{{caller_number}}`,
 * `{{called_number}}` and any `initial_context` key. The credential is named by id (a service
 * credential of the agent's organization) and resolved when a call is admitted.
 */
export const RealtimeConfigSchema = z.strictObject({
  type: z.literal('realtime'),
  llm: RealtimeLlmSchema,
  /** The session's instructions. */
  prompt: z.string().min(1).max(32_000),
  /** Spoken first, by the model (a response asked to say it). */
  greeting: z.string().min(1).max(2000).optional(),
  /** Functions the model may call, keyed by name (`end_call`, `transfer_call`, `http`; see `@vr3/tools`). */
  tools: ToolsSchema.optional(),
  /**
   * Caller silence: a reprompt after `reprompt_after_s` (the model says `reprompt`, else asks in
   * its own words whether the caller is still there), a hang-up after `hangup_after_s` of silence
   * in all (after `goodbye`, when set).
   */
  silence: SilenceConfigSchema.optional(),
  /**
   * Barge-in: the caller's speech cuts the agent off (default on) when it lasts `min_duration_ms`
   * (default 500; 0 cuts at the speech's onset); shorter speech only pauses the agent, which resumes.
   */
  interruption: z.strictObject({ enabled: z.boolean().optional(), min_duration_ms: z.number().int().min(0).max(5000).optional() }).optional(),
  /** The vendor's server VAD: speech threshold (0–1, higher needs louder speech) and audio kept before speech. */
  vad: z
    .strictObject({
      threshold: z.number().min(0).max(1).optional(),
      prefix_padding_ms: z.number().int().min(0).max(2000).optional(),
    })
    .optional(),
  /** Silence that ends the caller's turn (the server VAD's `silence_duration_ms`). */
  endpointing: z.strictObject({ silence_ms: z.number().int().min(0).max(5000).optional() }).optional(),
  /** Transcribe the caller's speech with this model (caller `transcript` run events); none when absent. */
  transcription: z.strictObject({ model: Model }).optional(),
  max_duration_s: z.number().int().min(10).max(4 * 3600).optional(),
  /** The caller's language: a hint for the transcription. */
  language: Language.optional(),
});
/** The realtime engine's configuration as an agent stores it. */
export type RealtimeConfig = z.infer<typeof RealtimeConfigSchema>;

/** The sections of a realtime configuration that name a credential. */
export const REALTIME_CREDENTIAL_SECTIONS = ['llm'] as const;

/** What the edge receives: the stored configuration with the credential joined into `llm`. */
export const RealtimeRuntimeConfigSchema = RealtimeConfigSchema.extend({
  llm: RealtimeLlmSchema.extend(ResolvedCredentialSchema.shape),
});
/** See {@link RealtimeRuntimeConfigSchema}. */
export type RealtimeRuntimeConfig = z.infer<typeof RealtimeRuntimeConfigSchema>;

/**
 * The realtime engine's spec for the control-plane catalog. Secret fields: HTTP tools' headers
 * (the vendor key lives in a service credential).
 */
export const realtimeEngineSpec = defineEngineSpec({
  type: 'realtime',
  configSchema: RealtimeConfigSchema,
  secretFields: TOOLS_SECRET_FIELDS,
  description: 'a speech-to-speech model over one WebSocket per call (OpenAI Realtime)',
});

/** The spec the edge validates with: the same type, with the admitted credential joined in. */
export const realtimeRuntimeSpec = defineEngineSpec({
  type: 'realtime',
  configSchema: RealtimeRuntimeConfigSchema,
  secretFields: TOOLS_SECRET_FIELDS,
  description: realtimeEngineSpec.description,
});
