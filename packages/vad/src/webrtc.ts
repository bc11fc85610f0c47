/**
 * The light fallback: WebRTC's VAD (libfvad, BSD-3-Clause) compiled to WASM, from
 * `@echogarden/fvad-wasm` (38 KB). A Gaussian-mixture speech/noise decision per 20 ms frame; no
 * probabilities (each frame is 1 or 0) and weaker on tones and noise than Silero, but with no
 * native code it loads wherever Node runs.
 */
// The package ships no types: this reference carries ours to every package that compiles this file.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./fvad-wasm.d.ts" />
import type { FvadWasmModule } from '@echogarden/fvad-wasm';
import type { WindowClassifier } from './classifier.ts';
import { VadError, VadErrorCode } from './errors.ts';
import { VadEngine, type VadSampleRate, type WebRtcVadMode } from './options.ts';

/** Frame length fed to WebRTC VAD (it accepts 10, 20 or 30 ms). */
export const WEBRTC_FRAME_MS = 20;

/** The instantiated WASM module, shared by every stream of a runtime (one WASM memory). */
export type WebRtcVadModule = FvadWasmModule;

/** Instantiates the WASM module; rejects with `vad_engine_unavailable`. */
export async function loadWebRtcVad(): Promise<WebRtcVadModule> {
  try {
    const { default: fvad } = await import('@echogarden/fvad-wasm');
    return await fvad();
  } catch (err) {
    throw new VadError(VadErrorCode.EngineUnavailable, 'WebRTC VAD could not be loaded', { cause: err });
  }
}

/** One stream's WebRTC VAD instance and its frame buffer inside the WASM heap. */
export class WebRtcClassifier implements WindowClassifier {
  readonly engine = VadEngine.WebRtc;
  readonly windowSamples: number;
  readonly #mod: WebRtcVadModule;
  readonly #sampleRate: VadSampleRate;
  readonly #mode: WebRtcVadMode;
  #handle: number;
  /** Byte offset of a frame-sized buffer in the WASM heap. */
  #frame: number;

  constructor(mod: WebRtcVadModule, sampleRate: VadSampleRate, mode: WebRtcVadMode) {
    this.#mod = mod;
    this.#sampleRate = sampleRate;
    this.#mode = mode;
    this.windowSamples = (sampleRate * WEBRTC_FRAME_MS) / 1000;
    this.#handle = mod._fvad_new();
    this.#frame = this.#handle === 0 ? 0 : mod._malloc(this.windowSamples * 2);
    if (this.#handle === 0 || this.#frame === 0) {
      this.close();
      throw new VadError(VadErrorCode.EngineUnavailable, 'WebRTC VAD instance could not be allocated');
    }
    this.#configure();
  }

  classify(window: Int16Array): number {
    if (this.#handle === 0) throw new VadError(VadErrorCode.Closed, 'VAD stream is closed');
    this.#mod.HEAP16.set(window.subarray(0, this.windowSamples), this.#frame >> 1);
    const r = this.#mod._fvad_process(this.#handle, this.#frame, this.windowSamples);
    if (r < 0) throw new VadError(VadErrorCode.InferenceFailed, 'WebRTC VAD rejected the frame');
    return r;
  }

  reset(): void {
    if (this.#handle === 0) return;
    // fvad_reset also restores the default mode and rate.
    this.#mod._fvad_reset(this.#handle);
    this.#configure();
  }

  close(): void {
    if (this.#handle !== 0) {
      this.#mod._fvad_free(this.#handle);
      this.#handle = 0;
    }
    if (this.#frame !== 0) {
      this.#mod._free(this.#frame);
      this.#frame = 0;
    }
  }

  #configure(): void {
    if (this.#mod._fvad_set_mode(this.#handle, this.#mode) < 0 || this.#mod._fvad_set_sample_rate(this.#handle, this.#sampleRate) < 0) {
      this.close();
      throw new VadError(VadErrorCode.InvalidOptions, 'WebRTC VAD refused the mode or sample rate');
    }
  }
}
