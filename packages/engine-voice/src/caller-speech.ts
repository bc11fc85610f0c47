/**
 * When the caller spoke, for the transcript of their turns: the VAD's speech edges, placed on the
 * session's clock (ms since the session started), gathered until the STT reports the utterance
 * they belong to. A turn spans from its first speech onset to its last end of speech; when the
 * STT ends the utterance while the VAD still hears speech (Deepgram's endpointing), the turn ends
 * at the report and that speech's own end is not counted again. Pure: the caller passes the times.
 */

/** Where a turn lies on the session's clock, ms since the session started. */
export interface TurnSpan {
  start_ms: number;
  end_ms: number;
}

/**
 * A pause longer than this between two stretches of speech parts them: older speech no utterance
 * was reported for (a cough, words the STT did not hear) is not the start of the next turn. Above
 * the endpointing silences a caller turn may contain (Deepgram's `UtteranceEnd` gap is 1 s).
 */
export const CALLER_SPEECH_MAX_PAUSE_MS = 2000;

/** Most stretches of speech kept between two reports (bounded; the oldest go first). */
const MAX_STRETCHES = 32;

interface Stretch {
  start: number;
  end?: number;
}

/** The caller's speech since their last reported turn. */
export class CallerSpeech {
  #stretches: Stretch[] = [];
  /** A stretch was reported while the caller was still speaking: its end is not a turn's. */
  #skipEnd = false;

  /** The VAD heard speech start at `atMs`. */
  started(atMs: number): void {
    const last = this.#stretches.at(-1);
    if (last !== undefined && last.end === undefined) return;
    if (last?.end !== undefined && atMs - last.end > CALLER_SPEECH_MAX_PAUSE_MS) this.#stretches = [];
    this.#skipEnd = false;
    this.#stretches.push({ start: atMs });
    if (this.#stretches.length > MAX_STRETCHES) this.#stretches.shift();
  }

  /** The VAD heard speech end at `atMs`. */
  ended(atMs: number): void {
    if (this.#skipEnd) {
      this.#skipEnd = false;
      return;
    }
    const last = this.#stretches.at(-1);
    if (last !== undefined && last.end === undefined) last.end = Math.max(last.start, atMs);
  }

  /**
   * The span of the utterance the STT reported at `nowMs`: its finished stretches (a stretch still
   * under way stays for the next turn), else the one under way up to now, else just now (words the
   * VAD did not hear as speech, a key press).
   */
  take(nowMs: number): TurnSpan {
    const done = this.#stretches.filter((s) => s.end !== undefined);
    if (done.length > 0) {
      this.#stretches = this.#stretches.filter((s) => s.end === undefined);
      return { start_ms: done[0]!.start, end_ms: done.at(-1)!.end! };
    }
    const open = this.#stretches.at(-1);
    this.#stretches = [];
    if (open === undefined) return { start_ms: nowMs, end_ms: nowMs };
    this.#skipEnd = true;
    return { start_ms: Math.min(open.start, nowMs), end_ms: nowMs };
  }
}
