/**
 * Barge-in detection on the VAD's per-window speech probabilities: a fast speech-onset gate
 * (`onsetMs` of consecutive speech windows, 60 ms by default) feeds the {@link BargeIn} state
 * machine, so the agent's audio is paused right after the caller starts speaking over it — well
 * before the VAD's own `speech_start` (200 ms of speech) and the interruption's `min_duration_ms`
 * (500 ms).
 *
 * Clocked by the caller's audio (stream milliseconds from the VAD), never by wall time: the same
 * audio gives the same decisions. The speech duration that confirms an interruption counts only
 * windows that were still speech, so a cough's trailing silence (before the gate reports its end)
 * does not turn it into an interruption.
 */
import { SpeechGate, type VadEvent } from '@vr3/vad';
import { BargeIn, type BargeInAction } from './barge-in.ts';

/** Options of {@link InterruptionDetector}. */
export interface InterruptionDetectorOptions {
  /** `interruption.enabled`: false never pauses nor interrupts. */
  enabled: boolean;
  /** `interruption.min_duration_ms`: speech this long over the agent interrupts it. */
  minDurationMs: number;
  /** Speech this long (consecutive windows at the VAD threshold) pauses the agent. */
  onsetMs: number;
  /** The VAD's speech threshold, and the lower one that keeps speech going (hysteresis). */
  threshold: number;
  stopThreshold: number;
  /** Silence this long ends the caller's speech. */
  minSilenceMs: number;
  /** Quiet this long after speech shorter than `minDurationMs` resumes the agent. */
  resumeAfterMs: number;
  /** Duration of one VAD window (32 ms for Silero at 16 kHz, 20 ms for WebRTC). */
  windowMs: number;
}

/** Barge-in decisions from one call's VAD results. */
export class InterruptionDetector {
  readonly #options: InterruptionDetectorOptions;
  readonly #bargeIn: BargeIn;
  readonly #gate: SpeechGate;
  /** End of the latest window that was still speech (stream ms). */
  #voicedUntil = Number.NEGATIVE_INFINITY;

  constructor(options: InterruptionDetectorOptions) {
    this.#options = options;
    this.#bargeIn = new BargeIn({ enabled: options.enabled, minDurationMs: options.minDurationMs, resumeAfterMs: options.resumeAfterMs });
    this.#gate = new SpeechGate({ threshold: options.threshold, stopThreshold: options.stopThreshold, minSpeechMs: options.onsetMs, minSilenceMs: options.minSilenceMs });
  }

  /** True while the agent is paused waiting for the decision. */
  get paused(): boolean {
    return this.#bargeIn.paused;
  }

  /**
   * Feeds one VAD result (only its `probability` events count). `agentSpeaking`: a turn of the
   * agent is being generated or played. Returns what to do, in order.
   */
  update(events: readonly VadEvent[], agentSpeaking: boolean): BargeInAction[] {
    if (!this.#options.enabled) return [];
    if (!this.#bargeIn.paused) {
      if (agentSpeaking) this.#bargeIn.agentStarted();
      else this.#bargeIn.agentStopped();
    }
    const actions: BargeInAction[] = [];
    const windowMs = this.#options.windowMs;
    for (const e of events) {
      if (e.type !== 'probability') continue;
      const edge = this.#gate.update(e.probability, e.atMs, windowMs);
      if (this.#gate.speaking && e.probability >= this.#options.stopThreshold) this.#voicedUntil = e.atMs + windowMs;
      if (edge?.type === 'speech_start') actions.push(...this.#bargeIn.speechStarted(edge.atMs));
      else if (edge?.type === 'speech_end') actions.push(...this.#bargeIn.speechStopped(edge.atMs));
      actions.push(...this.#bargeIn.tick(e.atMs + windowMs, this.#voicedUntil));
    }
    return actions;
  }

  /** The agent's turn ended (played out, interrupted, or the call is over). */
  agentStopped(): void {
    this.#bargeIn.agentStopped();
  }
}
