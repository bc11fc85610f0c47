/**
 * Cuts the caller's audio into utterances from VAD edges, on the audio's own clock (milliseconds
 * of audio the VAD has classified), so the result does not depend on wall time: an utterance ends
 * once `speech_end` has been followed by `silenceMs` of classified silence while the VAD is quiet —
 * no run of speech under way, not even one too short to be reported yet (the VAD reports a
 * `speech_start` only after its minimum speech time, pointing back at where the speech began).
 * Bounded: at most `maxBufferedMs` of audio is kept.
 */

/** Options of {@link UtteranceCutter}. */
export interface UtteranceCutterOptions {
  sampleRate: number;
  /** Endpointing: audio after `speech_end` before the utterance is final. */
  silenceMs: number;
  /** Audio kept before `speech_start` (the VAD reports it late by its minimum speech time). */
  preRollMs?: number;
  /**
   * How late a `speech_start` may arrive after the audio it points at (the VAD's minimum speech
   * time plus the audio it has queued): audio this old is kept while the caller is quiet.
   */
  edgeLagMs?: number;
  /** Audio kept at most (one utterance's upper bound). */
  maxBufferedMs?: number;
}

/** Defaults of {@link UtteranceCutterOptions}. */
export const UTTERANCE_DEFAULTS = { preRollMs: 300, edgeLagMs: 1500, maxBufferedMs: 30_000 } as const;

/** A VAD edge in stream time. */
export interface SpeechEdgeAt {
  type: 'speech_start' | 'speech_end';
  atMs: number;
}

/** Buffers PCM16 samples and hands out complete utterances. */
export class UtteranceCutter {
  readonly #rate: number;
  readonly #silenceMs: number;
  readonly #preRollMs: number;
  /** Samples kept behind the newest while quiet: pre-roll plus the VAD's lag. */
  readonly #quietSamples: number;
  readonly #maxSamples: number;
  #chunks: Int16Array[] = [];
  /** Stream sample index of the first sample of `#chunks[0]`. */
  #firstSample = 0;
  #buffered = 0;
  #pushed = 0;
  #startMs: number | undefined;
  #endMs: number | undefined;

  constructor(options: UtteranceCutterOptions) {
    this.#rate = options.sampleRate;
    this.#silenceMs = options.silenceMs;
    this.#preRollMs = options.preRollMs ?? UTTERANCE_DEFAULTS.preRollMs;
    this.#quietSamples = Math.ceil(((this.#preRollMs + (options.edgeLagMs ?? UTTERANCE_DEFAULTS.edgeLagMs)) * this.#rate) / 1000);
    this.#maxSamples = Math.ceil(((options.maxBufferedMs ?? UTTERANCE_DEFAULTS.maxBufferedMs) * this.#rate) / 1000);
  }

  /** Audio pushed so far, in ms. */
  get nowMs(): number {
    return (this.#pushed * 1000) / this.#rate;
  }

  /** Between a `speech_start` and the utterance's end. */
  get inUtterance(): boolean {
    return this.#startMs !== undefined;
  }

  /** Keeps a copy of `samples` (the caller's array may be reused). */
  pushAudio(samples: Int16Array): void {
    this.#chunks.push(samples.slice());
    this.#buffered += samples.length;
    this.#pushed += samples.length;
    const keepFrom = this.#startMs === undefined ? this.#pushed - this.#quietSamples : -Infinity;
    while (this.#chunks.length > 1 && (this.#buffered > this.#maxSamples || this.#firstSample + this.#chunks[0]!.length <= keepFrom)) {
      const dropped = this.#chunks.shift()!;
      this.#buffered -= dropped.length;
      this.#firstSample += dropped.length;
    }
  }

  /** Applies a VAD edge. */
  edge(edge: SpeechEdgeAt): void {
    if (edge.type === 'speech_start') {
      this.#startMs ??= edge.atMs;
      this.#endMs = undefined;
    } else if (this.#startMs !== undefined) {
      this.#endMs = edge.atMs;
    }
  }

  /**
   * The utterance once endpointing has passed (PCM16 samples), else `undefined`. `classifiedMs`:
   * how far the VAD has classified the audio (default: all of it); `quiet`: the VAD's
   * {@link Vad.quiet} after that audio — while a run of speech is under way in the silence, the
   * caller may be going on. Call after each VAD result.
   */
  take(classifiedMs = this.nowMs, quiet = true): Int16Array | undefined {
    if (this.#startMs === undefined || this.#endMs === undefined || !quiet || classifiedMs < this.#endMs + this.#silenceMs) return undefined;
    const from = Math.max(this.#firstSample, Math.floor(((this.#startMs - this.#preRollMs) * this.#rate) / 1000));
    const to = Math.min(this.#pushed, Math.ceil(((this.#endMs + this.#silenceMs) * this.#rate) / 1000));
    const out = new Int16Array(Math.max(0, to - from));
    let at = this.#firstSample;
    for (const chunk of this.#chunks) {
      const lo = Math.max(from, at);
      const hi = Math.min(to, at + chunk.length);
      if (hi > lo) out.set(chunk.subarray(lo - at, hi - at), lo - from);
      at += chunk.length;
    }
    this.#startMs = undefined;
    this.#endMs = undefined;
    return out;
  }

  /** Drops everything buffered. */
  clear(): void {
    this.#chunks = [];
    this.#firstSample = this.#pushed;
    this.#buffered = 0;
    this.#startMs = undefined;
    this.#endMs = undefined;
  }
}
