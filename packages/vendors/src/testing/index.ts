/** Local stand-ins for the vendors' APIs (real HTTP/WebSocket servers on 127.0.0.1), scriptable and recording what they received. */
export {};
export {
  startOpenAiCompatibleStandIn,
  type OpenAiCompatibleStandIn,
  type OpenAiCompatibleStandInOptions,
  type RecordedVendorRequest,
  type TranscriptionInput,
} from './openai-compatible/server.ts';
export type { ChatReply, Misbehaviour, ScriptedToolCall, SpeechReply, TranscriptionReply } from './openai-compatible/scripts.ts';
export type { ParsedForm, WavInfo } from './openai-compatible/form.ts';
export {
  startOpenAiRealtimeStandIn,
  type OpenAiRealtimeStandIn,
  type OpenAiRealtimeStandInOptions,
  type RealtimeReply,
  type RecordedRealtimeEvent,
  type RecordedRealtimeUpgrade,
} from './openai-realtime/server.ts';
export type { CredentialCheck, RecordedUpgrade, ScriptedStandIn, StandInServer, StandInUpgradeMode } from './streaming/stand-in-server.ts';
export type { StandInConnection } from './streaming/stand-in-connection.ts';
export { synthAudio, synthByteLength, type SynthSound } from './streaming/synth-audio.ts';
export { TTS_STAND_IN_DEFAULTS, type TtsStandInScript } from './streaming/tts-script.ts';
export {
  startDeepgramStandIn,
  DeepgramStandInConnection,
  type DeepgramScriptedUtterance,
  type DeepgramStandIn,
  type DeepgramStandInOptions,
  type DeepgramStandInScript,
} from './deepgram/stand-in.ts';
export {
  startElevenLabsStandIn,
  ElevenLabsStandInConnection,
  type ElevenLabsStandIn,
  type ElevenLabsStandInOptions,
  type ElevenLabsStandInScript,
} from './elevenlabs/stand-in.ts';
export {
  startCartesiaStandIn,
  CartesiaStandInConnection,
  type CartesiaStandIn,
  type CartesiaStandInOptions,
  type CartesiaStandInScript,
} from './cartesia/stand-in.ts';
export { EventRecorder, delay } from './streaming/event-recorder.ts';
