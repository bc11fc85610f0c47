import type { VadEngine } from './options.ts';

/**
 * One stream's model: fixed-size windows of PCM16 in, a speech probability (0–1) out, carrying
 * whatever state the model keeps between windows. Created per stream; the expensive part it runs
 * on (an ONNX session, a WASM module) is shared and owned by the {@link VadRuntime}.
 */
export interface WindowClassifier {
  readonly engine: VadEngine;
  /** Samples per window given to {@link classify}. */
  readonly windowSamples: number;
  /**
   * Classifies the next window. The stream calls it one window at a time (never concurrently) and
   * may reuse `window` once the result settles.
   */
  classify(window: Int16Array): number | Promise<number>;
  /** Forgets the state carried between windows (a result still in flight is discarded). */
  reset(): void;
  /** Releases what this stream holds. Idempotent. */
  close(): void;
}
