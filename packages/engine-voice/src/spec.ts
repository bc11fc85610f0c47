import { defineEngineSpec, ResolvedCredentialSchema, SilenceConfigSchema } from '@vr3/agent';
import { TOOLS_SECRET_FIELDS, ToolsSchema } from '@vr3/tools/spec';
import { z } from 'zod';

/**
 * Vendors a voice agent's STT may name: `openai` (any OpenAI-compatible server, through its
 * credential's `base_url`; VAD-cut utterances) or `deepgram` (live streaming).
 */
export const VOICE_STT_VENDORS = ['openai', 'deepgram'] as const;
/** Vendors a voice agent's TTS may name: `openai` (`/v1/audio/speech`), `elevenlabs` or `cartesia` (streaming, with timings). */
export const VOICE_TTS_VENDORS = ['openai', 'elevenlabs', 'cartesia'] as const;

/** Defaults of the optional fields, one place. */
export const VOICE_DEFAULTS = {
  /** Silence after the VAD's `speech_end` before the utterance is sent to STT. */
  endpointingSilenceMs: 300,
  /** VAD engine (Silero v5; WebRTC when the model cannot load). */
  vadEngine: 'silero',
  /** VAD silence before `speech_end`. */
  vadMinSilenceMs: 200,
  /** Barge-in: the caller may interrupt the agent. */
  interruptionEnabled: true,
  /** Caller speech over the agent this long interrupts it. */
  interruptionMinDurationMs: 500,
  /**
   * Caller speech over the agent this long (consecutive VAD windows at the threshold: two Silero
   * windows, three WebRTC frames) pauses the agent at once, so the provider's `clear` goes out
   * about 0.1 s after the caller starts (not an option). Longer runs are broken by the dips of
   * real speech (a stop consonant) and would miss the 300 ms the caller tolerates being talked over.
   */
  interruptionOnsetMs: 60,
  /** What a silence reprompt says when `silence.reprompt` is not set. */
  silenceReprompt: 'Are you still there?',
  /** Said before an `end_call` when neither the model nor the tool's `goodbye` says anything. */
  farewell: 'Goodbye.',
  /** Said before a `transfer_call` when neither the model nor the tool's `announcement` says anything. */
  transferAnnouncement: 'Please hold while I transfer your call.',
  /** Said when the model still asks for HTTP tools after {@link VOICE_DEFAULTS.maxToolRounds} follow-ups. */
  toolApology: 'Sorry, I could not finish that. Could you ask again?',
  /** Follow-up LLM requests one turn may make with HTTP tool results, at most. */
  maxToolRounds: 4,
  /** Key presses are sent to the model together this long after the last one (`#` sends at once). */
  dtmfDebounceMs: 1500,
  /** Said when the LLM fails, before the call ends failed. */
  errorApology: 'Sorry, something went wrong on our side. Please call again later.',
  /** A failing call ends at the latest this long after its apology started. */
  apologyDeadlineMs: 10_000,
} as const;

const CredentialId = z.uuid();
const Language = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'an ISO-639 language code (en, pt-BR)');
const Model = z.string().min(1).max(128);

/** `stt`: who turns the caller's speech into text (`model`: e.g. `whisper-1`, Deepgram `nova-3`). */
export const VoiceSttSchema = z.strictObject({
  vendor: z.enum(VOICE_STT_VENDORS),
  credential_id: CredentialId,
  model: Model,
  language: Language.optional(),
});
/** `llm`: the OpenAI-compatible chat model that writes the agent's replies. */
export const VoiceLlmSchema = z.strictObject({
  credential_id: CredentialId,
  model: Model,
  temperature: z.number().min(0).max(2).optional(),
  max_tokens: z.number().int().min(1).max(16_384).optional(),
});
/** `tts`: who speaks the agent's replies (`voice`: the vendor's voice name or id). */
export const VoiceTtsSchema = z.strictObject({
  vendor: z.enum(VOICE_TTS_VENDORS),
  credential_id: CredentialId,
  model: Model,
  voice: z.string().min(1).max(128),
});

/** `silence`: the section shared with the other engines that speak for themselves ({@link SilenceConfigSchema}). */
export const VoiceSilenceSchema = SilenceConfigSchema;

/**
 * `engine: {type: "voice", stt, llm, tts, vad?, prompt, greeting?, tools?, silence?, interruption?,
 * endpointing?, max_duration_s?, language?}`. `prompt` and `greeting` take `{{caller_number}}`,
 * `{{called_number}}` and any `initial_context` key. Credentials are named by id (service
 * credentials of the agent's organization) and resolved when a call is admitted.
 */
export const VoiceConfigSchema = z.strictObject({
  type: z.literal('voice'),
  stt: VoiceSttSchema,
  llm: VoiceLlmSchema,
  tts: VoiceTtsSchema,
  vad: z
    .strictObject({
      engine: z.enum(['silero', 'webrtc']).optional(),
      threshold: z.number().min(0.05).max(0.99).optional(),
      min_silence_ms: z.number().int().min(32).max(5000).optional(),
    })
    .optional(),
  prompt: z.string().min(1).max(32_000),
  greeting: z.string().min(1).max(2000).optional(),
  /** Functions the model may call, keyed by name (`end_call`, `transfer_call`, `http`; see `@vr3/tools`). */
  tools: ToolsSchema.optional(),
  silence: VoiceSilenceSchema.optional(),
  interruption: z.strictObject({ enabled: z.boolean().optional(), min_duration_ms: z.number().int().min(0).max(5000).optional() }).optional(),
  endpointing: z.strictObject({ silence_ms: z.number().int().min(0).max(5000).optional() }).optional(),
  max_duration_s: z.number().int().min(10).max(4 * 3600).optional(),
  language: Language.optional(),
});
/** The voice engine's configuration as an agent stores it. */
export type VoiceConfig = z.infer<typeof VoiceConfigSchema>;

/** The sections of a voice configuration that name a credential. */
export const VOICE_CREDENTIAL_SECTIONS = ['stt', 'llm', 'tts'] as const;
/** One of {@link VOICE_CREDENTIAL_SECTIONS}. */
export type VoiceCredentialSection = (typeof VOICE_CREDENTIAL_SECTIONS)[number];

/** What the edge receives: the stored configuration with each section's credential joined in. */
export const VoiceRuntimeConfigSchema = VoiceConfigSchema.extend({
  stt: VoiceSttSchema.extend(ResolvedCredentialSchema.shape),
  llm: VoiceLlmSchema.extend(ResolvedCredentialSchema.shape),
  tts: VoiceTtsSchema.extend(ResolvedCredentialSchema.shape),
});
/** See {@link VoiceRuntimeConfigSchema}. */
export type VoiceRuntimeConfig = z.infer<typeof VoiceRuntimeConfigSchema>;

/**
 * The voice engine's spec for the control-plane catalog. Secret fields: HTTP tools' headers
 * (vendor keys live in service credentials).
 */
export const voiceEngineSpec = defineEngineSpec({
  type: 'voice',
  configSchema: VoiceConfigSchema,
  description: 'speech to text, an LLM and text to speech on each call (OpenAI-compatible, Deepgram, ElevenLabs, Cartesia)',
  secretFields: TOOLS_SECRET_FIELDS,
});

/** The spec the edge validates with: the same type, with the admitted credentials joined in. */
export const voiceRuntimeSpec = defineEngineSpec({
  type: 'voice',
  configSchema: VoiceRuntimeConfigSchema,
  description: voiceEngineSpec.description,
  secretFields: TOOLS_SECRET_FIELDS,
});
