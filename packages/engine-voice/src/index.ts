/**
 * The `voice` engine: speech to text, an LLM and text to speech on each call, with barge-in that
 * knows what the caller heard. The engine and its vendor-free building blocks.
 */
export { SentenceChunker } from './sentences.ts';
export { heardText, characterTimings, wordTimings, type HeardText, type SpokenSegment, type TextTiming } from './heard-text.ts';
export { BargeIn, DEFAULT_BARGE_IN, type BargeInAction, type BargeInOptions } from './barge-in.ts';
export { InterruptionDetector, type InterruptionDetectorOptions } from './interruptions.ts';
export { TurnPlayout, PLAYOUT_DEFAULTS, type TurnPlayoutOptions } from './playout.ts';
export {
  voiceEngineSpec,
  voiceRuntimeSpec,
  VoiceConfigSchema,
  VoiceRuntimeConfigSchema,
  VoiceSilenceSchema,
  VOICE_CREDENTIAL_SECTIONS,
  VOICE_DEFAULTS,
  VOICE_STT_VENDORS,
  VOICE_TTS_VENDORS,
  type VoiceConfig,
  type VoiceCredentialSection,
  type VoiceRuntimeConfig,
} from './spec.ts';
export { createVoiceEngine, OPENAI_BASE_URL, type VoiceEngineOptions } from './engine.ts';
export type { OpenAiClientDeadlines, StreamingDeadlines } from './clients.ts';
export { VoiceSession, VOICE_SAMPLE_RATE, type VoiceClients, type VoiceSessionDeps } from './session.ts';
export { UtteranceCutter, UTTERANCE_DEFAULTS, type SpeechEdgeAt, type UtteranceCutterOptions } from './utterances.ts';
export { vendorFailure } from './errors.ts';
export { CallRecord, type CallUsage } from './call-record.ts';
export { createTranscriber, DeepgramTranscriber, VadCutTranscriber, type Transcriber, type TranscriberEvents, type UtteranceText } from './stt.ts';
export { createSpeaker, OpenAiSpeaker, StreamingSpeaker, TimingLocator, type Speaker, type SpeechPiece } from './tts.ts';
