import { VadError, VadErrorCode } from './errors.ts';

/** Sample rates the VAD runs at natively (Silero v5 and WebRTC VAD both): resample anything else first. */
export const VAD_SAMPLE_RATES = [8000, 16000] as const;

/** One of {@link VAD_SAMPLE_RATES}. */
export type VadSampleRate = (typeof VAD_SAMPLE_RATES)[number];

/** The classifiers behind a {@link Vad}. */
export const VadEngine = {
  /** Silero VAD v5 (ONNX) on onnxruntime-node: a speech probability per 32 ms window. */
  Silero: 'silero',
  /** WebRTC VAD (libfvad in WASM): a speech/non-speech decision (1 or 0) per 20 ms frame. */
  WebRtc: 'webrtc',
} as const;

/** One of {@link VadEngine}. */
export type VadEngine = (typeof VadEngine)[keyof typeof VadEngine];

/** WebRTC VAD aggressiveness: 0 (quality: least likely to miss speech) to 3 (very aggressive). */
export type WebRtcVadMode = 0 | 1 | 2 | 3;

/** Options of one VAD stream (one call's audio in one direction). */
export interface VadOptions {
  /** Rate of the PCM16 mono samples given to `push`, Hz. */
  sampleRate: VadSampleRate;
  /**
   * `silero` (default): Silero v5, or WebRTC when the model cannot load in this process (logged
   * once by the runtime). `webrtc`: always the light WebRTC VAD.
   */
  engine?: VadEngine | undefined;
  /** Probability at or above which a window counts as speech while quiet. Default {@link VAD_DEFAULTS}. */
  threshold?: number | undefined;
  /**
   * Probability below which a window counts as silence while speaking (hysteresis). Default
   * `threshold − 0.15` (floored at 0.01): Silero's own `neg_threshold`, and LiveKit's deactivation
   * threshold. Must not exceed `threshold`.
   */
  stopThreshold?: number | undefined;
  /** Speech must last this long (consecutive speech windows) before `speech_start`. */
  minSpeechMs?: number | undefined;
  /** Silence must last this long (consecutive silent windows) before `speech_end`. */
  minSilenceMs?: number | undefined;
  /** Also return one `probability` event per model window (debugging, tuning). Default false. */
  emitProbabilities?: boolean | undefined;
  /** WebRTC VAD aggressiveness when that engine runs. Default 3. */
  webrtcMode?: WebRtcVadMode | undefined;
  /**
   * Audio waiting for the model, at most (pushes not awaited pile up here). Past it the oldest
   * samples are dropped and counted in `droppedMs`; the stream's clock keeps counting them.
   */
  maxBufferedMs?: number | undefined;
}

/**
 * Defaults, one place. The hysteresis follows pipecat's `VADParams` (confidence 0.7, start 0.2 s;
 * pipecat's code default for stop is 0.8 s, its turn-detection setups use 0.2 s, which we take:
 * endpointing waits longer on top of this) with LiveKit/Silero's lower stop threshold.
 */
export const VAD_DEFAULTS = {
  engine: VadEngine.Silero,
  /** pipecat `confidence`. */
  threshold: 0.7,
  /** `stopThreshold = threshold − stopThresholdOffset` unless given (Silero `neg_threshold`). */
  stopThresholdOffset: 0.15,
  /** pipecat `start_secs` 0.2. */
  minSpeechMs: 200,
  /** 0.2 s, as in pipecat's smart-turn setups. */
  minSilenceMs: 200,
  emitProbabilities: false,
  webrtcMode: 3,
  maxBufferedMs: 1000,
} as const;

/** {@link VadOptions} with every default applied and checked. */
export interface ResolvedVadOptions {
  readonly sampleRate: VadSampleRate;
  readonly engine: VadEngine;
  readonly threshold: number;
  readonly stopThreshold: number;
  readonly minSpeechMs: number;
  readonly minSilenceMs: number;
  readonly emitProbabilities: boolean;
  readonly webrtcMode: WebRtcVadMode;
  readonly maxBufferedMs: number;
}

function invalid(message: string): VadError {
  return new VadError(VadErrorCode.InvalidOptions, message);
}

function inUnitRange(name: string, v: number): number {
  if (!Number.isFinite(v) || v <= 0 || v > 1) throw invalid(`${name} must be in (0, 1]`);
  return v;
}

function durationMs(name: string, v: number, min = 0): number {
  if (!Number.isFinite(v) || v < min || v > 60_000) throw invalid(`${name} must be between ${min} and 60000 ms`);
  return v;
}

/** Applies {@link VAD_DEFAULTS} and validates; throws {@link VadError} `vad_invalid_options`. */
export function resolveVadOptions(options: VadOptions): ResolvedVadOptions {
  const { sampleRate } = options;
  if (!(VAD_SAMPLE_RATES as readonly number[]).includes(sampleRate)) {
    throw invalid(`sampleRate must be one of ${VAD_SAMPLE_RATES.join(', ')}`);
  }
  const engine = options.engine ?? VAD_DEFAULTS.engine;
  if (engine !== VadEngine.Silero && engine !== VadEngine.WebRtc) throw invalid('engine must be "silero" or "webrtc"');
  const threshold = inUnitRange('threshold', options.threshold ?? VAD_DEFAULTS.threshold);
  const stopThreshold = inUnitRange(
    'stopThreshold',
    options.stopThreshold ?? Math.max(threshold - VAD_DEFAULTS.stopThresholdOffset, 0.01),
  );
  if (stopThreshold > threshold) throw invalid('stopThreshold must not exceed threshold');
  const webrtcMode = options.webrtcMode ?? VAD_DEFAULTS.webrtcMode;
  if (![0, 1, 2, 3].includes(webrtcMode)) throw invalid('webrtcMode must be 0, 1, 2 or 3');
  return {
    sampleRate,
    engine,
    threshold,
    stopThreshold,
    minSpeechMs: durationMs('minSpeechMs', options.minSpeechMs ?? VAD_DEFAULTS.minSpeechMs),
    minSilenceMs: durationMs('minSilenceMs', options.minSilenceMs ?? VAD_DEFAULTS.minSilenceMs),
    emitProbabilities: options.emitProbabilities ?? VAD_DEFAULTS.emitProbabilities,
    webrtcMode,
    maxBufferedMs: durationMs('maxBufferedMs', options.maxBufferedMs ?? VAD_DEFAULTS.maxBufferedMs, 100),
  };
}
