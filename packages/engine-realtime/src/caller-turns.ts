/**
 * When the caller spoke, on the session clock. The server VAD places its edges on the vendor's
 * input audio (`audio_start_ms` / `audio_end_ms`: ms of all the audio appended in the session);
 * the audio appended last was appended at a known moment, so an edge `d` ms before it happened
 * `d` ms before that moment. Each turn is keyed by its conversation item and taken once its
 * transcript comes. Pure: times are given.
 */

/** Caller turns awaiting their transcript, at most; past it the oldest is forgotten. */
export const MAX_OPEN_CALLER_TURNS = 16;

/** A caller turn's times, ms since the session started. */
export interface CallerTurnSpan {
  start_ms: number;
  end_ms: number;
}

/** The caller's turns of one call. */
export class CallerTurns {
  /** Caller audio the vendor has received, ms. */
  #appendedMs = 0;
  /** When the last of it was appended (session ms). */
  #appendedAt = 0;
  readonly #turns = new Map<string, { start_ms: number; end_ms: number | undefined }>();

  /** `ms` of caller audio went to the vendor at `atMs` (session ms). */
  appended(ms: number, atMs: number): void {
    this.#appendedMs += ms;
    this.#appendedAt = atMs;
  }

  /** `speech_started` of item `itemId`. */
  started(itemId: string, audioStartMs: number): void {
    this.#open(itemId, this.#sessionMsOf(audioStartMs), undefined);
  }

  /** `speech_stopped` of item `itemId`. */
  stopped(itemId: string, audioEndMs: number): void {
    const end = this.#sessionMsOf(audioEndMs);
    const turn = this.#turns.get(itemId);
    if (turn !== undefined) turn.end_ms = end;
    else this.#open(itemId, end, end);
  }

  /** The times of item `itemId` (its transcript came at `nowMs`), forgotten here; `nowMs` for a turn not heard. */
  take(itemId: string, nowMs: number): CallerTurnSpan {
    const turn = this.#turns.get(itemId);
    this.#turns.delete(itemId);
    if (turn === undefined) return { start_ms: nowMs, end_ms: nowMs };
    const end = turn.end_ms ?? nowMs;
    return { start_ms: Math.min(turn.start_ms, end), end_ms: end };
  }

  #open(itemId: string, startMs: number, endMs: number | undefined): void {
    if (this.#turns.size >= MAX_OPEN_CALLER_TURNS) this.#turns.delete(this.#turns.keys().next().value!);
    this.#turns.set(itemId, { start_ms: startMs, end_ms: endMs });
  }

  /** Session ms of position `audioMs` of the input audio. */
  #sessionMsOf(audioMs: number): number {
    return Math.max(0, Math.round(this.#appendedAt - Math.max(0, this.#appendedMs - audioMs)));
  }
}
