/**
 * Clients for the voice vendors' wire formats — OpenAI-compatible chat completions,
 * transcriptions and speech, OpenAI Realtime, Deepgram live, ElevenLabs and Cartesia streaming —
 * one module per vendor; the only place in the product that knows their protocols.
 */
export {};
export {
  VendorError,
  VendorErrorCode,
  VENDOR_ERROR_RETRYABLE,
  RETRYABLE_CLOSE_CODES,
  MAX_BODY_EXCERPT_CHARS,
  type OpenAiOperation,
  type StreamingVendor,
  type VendorErrorOptions,
  type VendorStreamClosed,
} from './errors.ts';
export { OpenAiCompatibleClient } from './openai-compatible/client.ts';
export { OPENAI_COMPATIBLE_DEFAULTS, type OpenAiCompatibleClientOptions } from './openai-compatible/options.ts';
export type {
  ChatCompletionRequest,
  ChatFinishReason,
  ChatMessage,
  ChatStreamEvent,
  ChatToolCall,
  ChatToolChoice,
  ChatUsage,
  FunctionTool,
} from './openai-compatible/chat-types.ts';
export type { StreamCallOptions } from './openai-compatible/chat.ts';
export type { TranscriptionCallOptions, TranscriptionRequest, TranscriptionResult } from './openai-compatible/transcription.ts';
export { SPEECH_SAMPLE_RATE, type SpeechRequest } from './openai-compatible/speech.ts';
export { pcm16ToWav } from './openai-compatible/wav.ts';
export {
  connectOpenAiRealtime,
  OpenAiRealtimeSession,
  OPENAI_REALTIME_DEFAULTS,
  type OpenAiRealtimeOptions,
  type RealtimeCloseInfo,
  type RealtimeSessionStats,
  type RealtimeTruncation,
} from './openai-realtime/client.ts';
export type { RealtimeCommand, RealtimeErrorInfo, RealtimeEvent, RealtimeItem } from './openai-realtime/events.ts';
export {
  REALTIME_AUDIO_FORMATS,
  sessionUpdatePayload,
  type RealtimeAudioFormat,
  type RealtimeSessionConfig,
  type RealtimeTurnDetection,
} from './openai-realtime/session-config.ts';
export { VENDOR_CONNECTION_DEFAULTS, type VendorConnectionOptions } from './streaming/connection.ts';
export {
  type TtsAudioEncoding,
  type TtsContext,
  type TtsContextState,
  type TtsEvent,
  type TtsListener,
  type TtsMark,
  type TtsStream,
} from './streaming/tts.ts';
export { MAX_TRACKED_CONTEXTS } from './streaming/tts-contexts.ts';
export { connectDeepgramLive, type DeepgramLiveListener, type DeepgramLiveStream } from './deepgram/live-client.ts';
export { DEEPGRAM_BASE_URL, DEEPGRAM_LIVE_DEFAULTS, type DeepgramEncoding, type DeepgramLiveOptions } from './deepgram/options.ts';
export type { DeepgramEvent, DeepgramWord } from './deepgram/messages.ts';
export { connectElevenLabsTts } from './elevenlabs/tts-client.ts';
export {
  ELEVENLABS_BASE_URL,
  ELEVENLABS_OUTPUT_FORMATS,
  ELEVENLABS_TTS_DEFAULTS,
  type ElevenLabsOutputFormat,
  type ElevenLabsTtsOptions,
  type ElevenLabsVoiceSettings,
} from './elevenlabs/options.ts';
export { connectCartesiaTts } from './cartesia/tts-client.ts';
export { CARTESIA_BASE_URL, CARTESIA_DEFAULT_VERSION, CARTESIA_TTS_DEFAULTS, type CartesiaTtsOptions } from './cartesia/options.ts';
export { httpBaseUrlOf, type VendorCredentialCheck, type VendorCredentialCheckOptions } from './credential-check.ts';
export { VENDOR_CREDENTIAL_CHECKS, type CheckableVendor } from './credential-checks.ts';
export { checkOpenAiCredentials, OPENAI_API_BASE_URL } from './openai-compatible/credential-check.ts';
export { checkDeepgramCredentials } from './deepgram/credential-check.ts';
export { checkElevenLabsCredentials } from './elevenlabs/credential-check.ts';
export { checkCartesiaCredentials } from './cartesia/credential-check.ts';
