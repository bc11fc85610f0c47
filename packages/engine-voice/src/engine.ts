import type { Engine, EngineLogger } from '@vr3/agent';
import { createVadRuntime, type VadRuntime } from '@vr3/vad';
import { openAiClient } from './clients.ts';
import { VoiceSession } from './session.ts';
import { voiceRuntimeSpec, type VoiceRuntimeConfig } from './spec.ts';

export { OPENAI_BASE_URL } from './clients.ts';

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

/**
 * The `voice` engine: STT → LLM → TTS on each call (STT `openai` or `deepgram`, TTS `openai`,
 * `elevenlabs` or `cartesia`, the LLM OpenAI-compatible). Sessions get
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
        // STT and TTS clients are made by the session for their vendor.
        clients: { llm: openAiClient('openai', ctx.config.llm) },
        vad: { createVad: (o) => vad().createVad(o) },
      }),
  };
}
