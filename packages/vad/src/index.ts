/**
 * `@vr3/vad`: streaming voice-activity detection for 8 and 16 kHz PCM16 audio. Silero VAD v5 on
 * onnxruntime-node (one session per process, state per stream), WebRTC VAD in WASM as the light
 * fallback, and a pure hysteresis gate that turns probabilities into `speech_start`/`speech_end`.
 * No sockets, no environment; nothing is downloaded at run time.
 */
export { VadError, VadErrorCode } from './errors.ts';
export {
  VAD_DEFAULTS,
  VAD_SAMPLE_RATES,
  VadEngine,
  resolveVadOptions,
  type ResolvedVadOptions,
  type VadOptions,
  type VadSampleRate,
  type WebRtcVadMode,
} from './options.ts';
export { SpeechGate, type SpeechEdge, type SpeechGateOptions } from './speech-gate.ts';
export type { Vad, VadEvent } from './vad-stream.ts';
export { createVad, createVadRuntime, defaultVadRuntime, type VadLogger, type VadRuntime, type VadRuntimeOptions } from './runtime.ts';
export {
  loadSileroSession,
  sileroModelPath,
  SILERO_V5_MODEL,
  SILERO_WINDOWS,
  type LoadSileroOptions,
  type SileroSession,
} from './silero.ts';
export { loadWebRtcVad, WEBRTC_FRAME_MS, type WebRtcVadModule } from './webrtc.ts';
