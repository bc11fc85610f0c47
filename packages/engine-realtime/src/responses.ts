/**
 * The vendor's responses on one realtime call, as the session keeps count of them: the one
 * streaming; those cut by a barge-in or cancelled, whose late deltas are dropped (the most recent
 * {@link MAX_CUT_RESPONSES}); the one the vendor may start on its own to answer a noise the agent
 * resumed over (cancelled: not a turn); whether a response is owed once the streaming one is done
 * (a key press or a tool's answer came meanwhile); and the turn latency, from the caller's speech
 * stopping to the first audio of the response that answers it. Pure: times are given.
 */

/** Responses whose late deltas are dropped after a barge-in, most recent ones. */
export const MAX_CUT_RESPONSES = 16;

/** See the module comment. */
export class ResponseBook {
  readonly #cut = new Set<string>();
  #active: string | undefined;
  /** When the server VAD last said the caller stopped, until a response starts. */
  #speechStoppedAt: number | undefined;
  /** The response whose first audio closes the latency measure. */
  #latency: { responseId: string; since: number } | undefined;
  /** After a noise, the vendor may answer it on its own (it ended before `create_response: false` took effect): that response is cancelled. */
  #cancelNext = false;
  /** Asked for while a response was active: ask for it when that one is done. */
  owed = false;

  /** The response streaming, if any. */
  get active(): string | undefined {
    return this.#active;
  }

  /** The caller stopped speaking at `at` (ms): the next response answers them. */
  speechStopped(at: number): void {
    this.#speechStoppedAt = at;
  }

  /** The caller spoke again, or the agent resumed over a noise: no turn awaits an answer. */
  turnForgotten(): void {
    this.#speechStoppedAt = undefined;
  }

  /** The vendor's next response answers a noise: cancel it. */
  cancelNext(cancel = true): void {
    this.#cancelNext = cancel;
  }

  /**
   * `response.created`: `'cancel'` when it answers a noise (remembered as cut; the session cancels
   * it), else `'started'` (now the active one, closing the latency measure once its audio comes).
   */
  created(responseId: string): 'cancel' | 'started' {
    if (this.#cancelNext) {
      this.#cancelNext = false;
      this.#speechStoppedAt = undefined;
      this.cut(responseId);
      return 'cancel';
    }
    this.#active = responseId;
    if (this.#speechStoppedAt !== undefined) {
      this.#latency = { responseId, since: this.#speechStoppedAt };
      this.#speechStoppedAt = undefined;
    }
    return 'started';
  }

  /** Audio of `responseId` came at `now` (ms): the turn latency in ms on its first audio, else undefined. */
  audio(responseId: string, now: number): number | undefined {
    if (this.#latency?.responseId !== responseId) return undefined;
    const ms = now - this.#latency.since;
    this.#latency = undefined;
    return ms;
  }

  /** `response.done` of `responseId`. */
  done(responseId: string): void {
    if (this.#active === responseId) this.#active = undefined;
    if (this.#latency?.responseId === responseId) this.#latency = undefined;
  }

  /** `responseId` was cut or cancelled: its late deltas are dropped. */
  cut(responseId: string): void {
    if (responseId === '') return;
    if (this.#cut.size >= MAX_CUT_RESPONSES) this.#cut.delete(this.#cut.values().next().value!);
    this.#cut.add(responseId);
  }

  isCut(responseId: string): boolean {
    return this.#cut.has(responseId);
  }

  clear(): void {
    this.#cut.clear();
  }
}
