import type { Engine, EngineLogger } from '@vr3/agent';
import { createVadRuntime, type VadRuntime } from '@vr3/vad';
import { openAiClient, type OpenAiClientDeadlines, type StreamingDeadlines } from './clients.ts';
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
  /**
   * Deadlines of every OpenAI-compatible client of a call (LLM, and STT / TTS when their vendor is
   * `openai`): to the first byte of a streamed answer, between two chunks, and for a whole
   * transcription. The clients' defaults otherwise (`OPENAI_COMPATIBLE_DEFAULTS`).
   */
  client?: OpenAiClientDeadlines | undefined;
  /**
   * Deadlines of every streaming vendor socket of a call (Deepgram STT, ElevenLabs and Cartesia
   * TTS): to open it, and for a reply it owes (a sentence's first audio and the rest of it, the
   * final result after the caller stopped speaking). `VENDOR_CONNECTION_DEFAULTS` otherwise (5 s, 10 s).
   */
  streaming?: StreamingDeadlines | undefined;
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
    createSession: (ctx) => {
      const { stt, llm, tts } = ctx.config;
      const deadlines = options.client ?? {};
      return new VoiceSession({
        ctx,
        // Streaming STT and TTS vendors (Deepgram, ElevenLabs, Cartesia) are connected by the session.
        clients: {
          llm: openAiClient('openai', llm, deadlines),
          stt: stt.vendor === 'openai' ? openAiClient('openai', stt, deadlines) : undefined,
          tts: tts.vendor === 'openai' ? openAiClient('openai', tts, deadlines) : undefined,
        },
        vad: { createVad: (o) => vad().createVad(o) },
        streaming: options.streaming,
      });
    },
  };
}
