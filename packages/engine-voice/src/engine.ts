import type { Engine, EngineLogger } from '@vr3/agent';
import { createVadRuntime, type VadRuntime } from '@vr3/vad';
import { OpenAiCompatibleClient } from '@vr3/vendors';
import { VoiceSession } from './session.ts';
import { voiceRuntimeSpec, type ResolvedCredential, type VoiceRuntimeConfig } from './spec.ts';

/** The vendor's own endpoint when a credential has no `base_url`. */
export const OPENAI_BASE_URL = 'https://api.openai.com';

/** Options of {@link createVoiceEngine}. */
export interface VoiceEngineOptions {
  /**
   * The VAD runtime every session shares (one Silero model per process). Default: one made on the
   * first call (its model loads then); told of a fallback through `logger`.
   */
  vad?: VadRuntime | undefined;
  /** Where the default runtime reports a Silero fallback. */
  logger?: Pick<EngineLogger, 'warn'> | undefined;
}

const clientOf = (vendor: string, c: ResolvedCredential): OpenAiCompatibleClient =>
  new OpenAiCompatibleClient({ vendor, baseUrl: c.base_url ?? OPENAI_BASE_URL, apiKey: c.api_key, addressPolicy: c.address_policy });

/**
 * The `voice` engine: STT → LLM → TTS on each call, with OpenAI-compatible vendors. Sessions get
 * their credentials in the configuration the control-plane admitted (in memory only).
 */
export function createVoiceEngine(options: VoiceEngineOptions = {}): Engine<VoiceRuntimeConfig> {
  let runtime: VadRuntime | undefined = options.vad;
  const vad = (): VadRuntime => (runtime ??= createVadRuntime(options.logger ? { logger: options.logger } : {}));
  return {
    spec: voiceRuntimeSpec,
    createSession: (ctx) =>
      new VoiceSession({
        ctx,
        clients: { stt: clientOf(ctx.config.stt.vendor, ctx.config.stt), llm: clientOf('openai', ctx.config.llm), tts: clientOf(ctx.config.tts.vendor, ctx.config.tts) },
        vad: { createVad: (o) => vad().createVad(o) },
      }),
  };
}
