/**
 * One VAD stream: PCM16 frames in, speech edges out. Glues the bounded sample ring (20 ms frames in,
 * model windows out), a per-stream classifier and the hysteresis gate. Times are stream times:
 * milliseconds of audio pushed since the stream began (dropped samples included), so events line
 * up with the audio whatever the wall clock did.
 */
import type { WindowClassifier } from './classifier.ts';
import { VadError, VadErrorCode } from './errors.ts';
import type { ResolvedVadOptions, VadEngine, VadSampleRate } from './options.ts';
import { SampleRing } from './sample-ring.ts';
import { SpeechGate, type SpeechEdge } from './speech-gate.ts';

/** What a {@link Vad} reports. `atMs` is stream time (ms of audio since the stream began). */
export type VadEvent =
  | SpeechEdge
  /** One model window's speech probability (only with `emitProbabilities`); `atMs` is the window's start. */
  | { readonly type: 'probability'; readonly atMs: number; readonly probability: number };

/** A streaming voice-activity detector for one audio stream. */
export interface Vad {
  /** The engine that actually runs (Silero, or WebRTC after a fallback or when asked for). */
  readonly engine: VadEngine;
  readonly sampleRate: VadSampleRate;
  /** Between a `speech_start` and its `speech_end`. */
  readonly speaking: boolean;
  /**
   * No speech in progress, not even a run too short to be reported yet: the audio classified so far
   * ends in silence, so a later `speech_start` can only point at audio not classified yet.
   */
  readonly quiet: boolean;
  /** Audio dropped because pushes outran the model by more than `maxBufferedMs`, in ms. */
  readonly droppedMs: number;
  /**
   * Feeds mono PCM16 samples at `sampleRate`, any length (typically 20 ms frames). Resolves the
   * events of every whole window this push completed, in order. Pushes are processed in order even
   * when not awaited. The array is the caller's; `pcm16` is copied before this returns. Rejects
   * `vad_closed` after {@link close}, `vad_inference_failed` if the model fails.
   */
  push(pcm16: Int16Array): Promise<VadEvent[]>;
  /**
   * The audio ended: classifies what whole windows remain and closes open speech with a
   * `speech_end` (a partial window stays buffered for a later push).
   */
  flush(): Promise<VadEvent[]>;
  /**
   * Forgets the model state, the hysteresis and buffered audio (no event). The clock keeps running:
   * later events stay on the same timeline. Results of windows in flight are discarded.
   */
  reset(): void;
  /** Releases the stream's model state. Idempotent; pushes in flight resolve with what they had. */
  close(): void;
}

const noop = (): void => {};

/** The {@link Vad} implementation; made by `VadRuntime.createVad`. */
export class VadStream implements Vad {
  readonly sampleRate: VadSampleRate;
  readonly #opts: ResolvedVadOptions;
  readonly #classifier: WindowClassifier;
  readonly #gate: SpeechGate;
  readonly #ring: SampleRing;
  readonly #window: Int16Array;
  readonly #windowMs: number;
  /** Settles when every push and flush so far has been processed. */
  #tail: Promise<unknown> = Promise.resolve();
  /** Bumped by reset() and close(): a drain from before stops. */
  #generation = 0;
  #closed = false;
  #droppedSamples = 0;

  constructor(classifier: WindowClassifier, options: ResolvedVadOptions) {
    this.sampleRate = options.sampleRate;
    this.#opts = options;
    this.#classifier = classifier;
    this.#gate = new SpeechGate(options);
    this.#window = new Int16Array(classifier.windowSamples);
    this.#windowMs = (classifier.windowSamples * 1000) / options.sampleRate;
    const capacity = Math.max(Math.ceil((options.maxBufferedMs * options.sampleRate) / 1000), 2 * classifier.windowSamples);
    this.#ring = new SampleRing(capacity);
  }

  get engine(): VadEngine {
    return this.#classifier.engine;
  }

  get speaking(): boolean {
    return this.#gate.speaking;
  }

  get quiet(): boolean {
    return this.#gate.quiet;
  }

  get droppedMs(): number {
    return (this.#droppedSamples * 1000) / this.sampleRate;
  }

  push(pcm16: Int16Array): Promise<VadEvent[]> {
    if (this.#closed) return Promise.reject(new VadError(VadErrorCode.Closed, 'VAD stream is closed'));
    this.#droppedSamples += this.#ring.write(pcm16);
    return this.#enqueue(this.#ring.writePos, false);
  }

  flush(): Promise<VadEvent[]> {
    if (this.#closed) return Promise.reject(new VadError(VadErrorCode.Closed, 'VAD stream is closed'));
    return this.#enqueue(this.#ring.writePos, true);
  }

  reset(): void {
    if (this.#closed) return;
    this.#generation++;
    this.#ring.clear();
    this.#gate.reset();
    this.#classifier.reset();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#generation++;
    try {
      this.#classifier.close();
    } finally {
      this.#ring.clear();
    }
  }

  #enqueue(upTo: number, end: boolean): Promise<VadEvent[]> {
    const generation = this.#generation;
    const run = this.#tail.then(() => this.#drain(upTo, end, generation));
    this.#tail = run.then(noop, noop);
    return run;
  }

  /** Classifies whole windows ending at or before `upTo` (an absolute sample index). */
  async #drain(upTo: number, end: boolean, generation: number): Promise<VadEvent[]> {
    const events: VadEvent[] = [];
    const ring = this.#ring;
    const win = this.#classifier.windowSamples;
    while (generation === this.#generation && ring.readPos + win <= upTo && ring.available >= win) {
      const startMs = (ring.readPos * 1000) / this.sampleRate;
      ring.read(this.#window);
      const probability = await this.#classifier.classify(this.#window);
      if (generation !== this.#generation) break;
      if (this.#opts.emitProbabilities) events.push({ type: 'probability', atMs: startMs, probability });
      const edge = this.#gate.update(probability, startMs, this.#windowMs);
      if (edge) events.push(edge);
    }
    if (end && generation === this.#generation) {
      const edge = this.#gate.flush();
      if (edge) events.push(edge);
    }
    return events;
  }
}
