/**
 * The turn-taking half of a VAD: speech probabilities per window in, `speech_start`/`speech_end`
 * out. Pure and clocked by the audio itself (each window says where it starts and how long it is),
 * so it is deterministic and knows nothing of models.
 *
 * Four states as in pipecat's `VADAnalyzer` (quiet → starting → speaking → stopping → quiet) with
 * hysteresis as in Silero's `get_speech_timestamps` and LiveKit: a quiet stream needs
 * `p ≥ threshold` to count a window as speech; a speaking one stays speaking until `p < stopThreshold`.
 */

/** What the gate reports. Times are stream times: milliseconds of audio since the stream began. */
export type SpeechEdge =
  /** Speech began at `atMs` (the first window of the run); reported once it lasted `minSpeechMs`. */
  | { readonly type: 'speech_start'; readonly atMs: number }
  /** Speech ended at `atMs` (the end of its last speech window); reported after `minSilenceMs` of silence. */
  | { readonly type: 'speech_end'; readonly atMs: number };

/** Thresholds and durations of a {@link SpeechGate}. */
export interface SpeechGateOptions {
  readonly threshold: number;
  readonly stopThreshold: number;
  readonly minSpeechMs: number;
  readonly minSilenceMs: number;
}

const State = { Quiet: 0, Starting: 1, Speaking: 2, Stopping: 3 } as const;
type State = (typeof State)[keyof typeof State];

/** Hysteresis state machine over per-window speech probabilities. */
export class SpeechGate {
  readonly #opts: SpeechGateOptions;
  #state: State = State.Quiet;
  /** Start of the current speech (starting/speaking) or silence (stopping) run, ms. */
  #runStartMs = 0;
  /** Length of that run so far, ms. */
  #runMs = 0;
  /** End of the last window fed, ms. */
  #endMs = 0;

  constructor(options: SpeechGateOptions) {
    this.#opts = options;
  }

  /** True between a `speech_start` and its `speech_end` (silence not yet long enough counts as speaking). */
  get speaking(): boolean {
    return this.#state === State.Speaking || this.#state === State.Stopping;
  }

  /**
   * No run of speech in progress, not even one too short to report yet: the windows fed so far end
   * in silence, so a `speech_start` can only come for audio not fed yet.
   */
  get quiet(): boolean {
    return this.#state === State.Quiet;
  }

  /**
   * Feeds one window's probability. `startMs`/`durationMs` place the window on the stream's clock.
   * Returns the edge this window completes, if any.
   */
  update(probability: number, startMs: number, durationMs: number): SpeechEdge | undefined {
    const o = this.#opts;
    this.#endMs = startMs + durationMs;
    switch (this.#state) {
      case State.Quiet:
        if (probability < o.threshold) return undefined;
        this.#state = State.Starting;
        this.#runStartMs = startMs;
        this.#runMs = durationMs;
        return this.#confirmStart();
      case State.Starting:
        if (probability < o.threshold) {
          this.#state = State.Quiet;
          return undefined;
        }
        this.#runMs += durationMs;
        return this.#confirmStart();
      case State.Speaking:
        if (probability >= o.stopThreshold) return undefined;
        this.#state = State.Stopping;
        this.#runStartMs = startMs;
        this.#runMs = durationMs;
        return this.#confirmEnd();
      case State.Stopping:
        if (probability >= o.stopThreshold) {
          this.#state = State.Speaking;
          return undefined;
        }
        this.#runMs += durationMs;
        return this.#confirmEnd();
    }
  }

  /**
   * The audio ended: closes open speech. A stream that is speaking ends at the end of the last
   * window, one that is in a short silence at that silence's start; otherwise nothing.
   */
  flush(): SpeechEdge | undefined {
    const state = this.#state;
    const atMs = state === State.Stopping ? this.#runStartMs : this.#endMs;
    this.reset();
    return state === State.Speaking || state === State.Stopping ? { type: 'speech_end', atMs } : undefined;
  }

  /** Back to quiet, forgetting any run in progress (no event). */
  reset(): void {
    this.#state = State.Quiet;
    this.#runStartMs = 0;
    this.#runMs = 0;
  }

  #confirmStart(): SpeechEdge | undefined {
    if (this.#runMs < this.#opts.minSpeechMs) return undefined;
    this.#state = State.Speaking;
    return { type: 'speech_start', atMs: this.#runStartMs };
  }

  #confirmEnd(): SpeechEdge | undefined {
    if (this.#runMs < this.#opts.minSilenceMs) return undefined;
    this.#state = State.Quiet;
    return { type: 'speech_end', atMs: this.#runStartMs };
  }
}
