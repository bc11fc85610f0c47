import { Vr3Error } from '@vr3/protocol';

/** Stable codes of `@vr3/vad` failures. Branch on these, never on `message`. */
export const VadErrorCode = {
  /** An option is out of range (sample rate other than 8/16 kHz, threshold outside 0–1, …). */
  InvalidOptions: 'vad_invalid_options',
  /**
   * The Silero model could not be loaded (onnxruntime-node's native library, the model file, or the
   * session). {@link VadRuntime} then falls back to WebRTC VAD; this code reaches callers only as
   * the `cause` of {@link VadErrorCode.EngineUnavailable} or from `loadSileroSession` itself.
   */
  ModelUnavailable: 'vad_model_unavailable',
  /** No engine could be started: neither Silero nor the WebRTC fallback loaded. */
  EngineUnavailable: 'vad_engine_unavailable',
  /** A model run failed on a window of audio. */
  InferenceFailed: 'vad_inference_failed',
  /** `push`/`flush` after `close()`, or `createVad` after the runtime's `close()`. */
  Closed: 'vad_closed',
} as const;

/** One of {@link VadErrorCode}. */
export type VadErrorCode = (typeof VadErrorCode)[keyof typeof VadErrorCode];

/**
 * The only error type `@vr3/vad` raises. None is retryable: a model that failed to load fails the
 * same way again in this process, and bad options stay bad.
 */
export class VadError extends Vr3Error<VadErrorCode> {}
