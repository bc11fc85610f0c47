/**
 * Barge-in: what the `voice` engine does when the caller speaks while the agent is talking.
 *
 * At speech onset the agent's audio is paused at once (a `clear` at the provider, so the caller is
 * not talked over while we decide), keeping what was not played. The interruption is confirmed
 * when the caller's speech lasts `minDurationMs` or the speech-to-text hears words: the turn is
 * then cut to what was heard and the reply's LLM and TTS streams are aborted. Speech that ends
 * sooner without words was a noise (a cough, a door): once the caller has been quiet for
 * `resumeAfterMs` the agent resumes from where it stopped. Speech again before that ("Oh, wait, …")
 * keeps the pause, and its duration counts from the first onset.
 * With barge-in disabled the caller's speech during the agent's turn is ignored.
 *
 * A state machine without timers: the engine feeds events with their times and calls
 * {@link BargeIn.tick} from its clock; each call returns the actions to take.
 */

/** Settings (`interruption` in the engine config). */
export interface BargeInOptions {
  enabled: boolean;
  /** Speech this long over the agent confirms an interruption. Default 500. */
  minDurationMs: number;
  /** Quiet this long after a pause's speech ended (shorter than `minDurationMs`) resumes the agent. Default 600. */
  resumeAfterMs?: number | undefined;
}

/** Defaults of {@link BargeInOptions}. */
export const DEFAULT_BARGE_IN = { enabled: true, minDurationMs: 500, resumeAfterMs: 600 } as const satisfies Required<BargeInOptions>;

/** What to do. */
export type BargeInAction =
  /** Clear the agent's queued audio at the provider now; keep what was not heard for a resume. */
  | { type: 'pause'; atMs: number }
  /** The caller interrupted: cut the turn at what was heard, abort the reply's streams. */
  | { type: 'interrupt'; atMs: number; speechStartedAtMs: number }
  /** A false interruption: play the rest of the paused turn. */
  | { type: 'resume'; atMs: number };

type State =
  | { kind: 'idle' }
  /** The agent is talking, the caller is not. */
  | { kind: 'speaking' }
  /** The caller started speaking over the agent at `since`; the agent is paused. `quietSince`: the speech ended there. */
  | { kind: 'paused'; since: number; quietSince?: number };

/** One call's barge-in decisions. */
export class BargeIn {
  private state: State = { kind: 'idle' };
  private callerSpeaking = false;

  private readonly resumeAfterMs: number;

  constructor(private readonly options: BargeInOptions = DEFAULT_BARGE_IN) {
    this.resumeAfterMs = options.resumeAfterMs ?? DEFAULT_BARGE_IN.resumeAfterMs;
  }

  /** The agent started a turn (its audio is being played). */
  agentStarted(): BargeInAction[] {
    if (this.state.kind === 'idle') this.state = { kind: 'speaking' };
    return [];
  }

  /** The agent's turn ended on its own (played to the end) or was cut. */
  agentStopped(): void {
    this.state = { kind: 'idle' };
  }

  /** The VAD heard the caller start speaking at `atMs`. */
  speechStarted(atMs: number): BargeInAction[] {
    this.callerSpeaking = true;
    if (this.state.kind === 'paused') {
      // Speech again before the agent resumed: the same interruption attempt.
      this.state = { kind: 'paused', since: this.state.since };
      return [];
    }
    if (!this.options.enabled || this.state.kind !== 'speaking') return [];
    this.state = { kind: 'paused', since: atMs };
    return [{ type: 'pause', atMs }];
  }

  /** The VAD heard the caller stop at `atMs`. */
  speechStopped(atMs: number): BargeInAction[] {
    this.callerSpeaking = false;
    if (this.state.kind !== 'paused') return [];
    const since = this.state.since;
    if (atMs - since >= this.options.minDurationMs) return this.confirm(atMs, since);
    // Shorter than an interruption and no words: a noise, unless speech follows soon.
    this.state = { kind: 'paused', since, quietSince: atMs };
    return [];
  }

  /** The speech-to-text heard words (interim or final) at `atMs`: speech, not noise. */
  wordsHeard(atMs: number): BargeInAction[] {
    if (this.state.kind !== 'paused') return [];
    return this.confirm(atMs, this.state.since);
  }

  /**
   * Time passes (`nowMs`): a pause whose speech went on for `minDurationMs` becomes an interruption,
   * one quiet for `resumeAfterMs` resumes. `voicedUntilMs`: where the caller's speech was last
   * heard (default `nowMs`), so a silence not yet long enough to end the speech does not count.
   */
  tick(nowMs: number, voicedUntilMs: number = nowMs): BargeInAction[] {
    if (this.state.kind !== 'paused') return [];
    if (this.callerSpeaking) {
      if (voicedUntilMs - this.state.since < this.options.minDurationMs) return [];
      return this.confirm(voicedUntilMs, this.state.since);
    }
    if (this.state.quietSince === undefined || nowMs - this.state.quietSince < this.resumeAfterMs) return [];
    this.state = { kind: 'speaking' };
    return [{ type: 'resume', atMs: nowMs }];
  }

  /** True while the agent's audio is paused waiting for the decision. */
  get paused(): boolean {
    return this.state.kind === 'paused';
  }

  private confirm(atMs: number, since: number): BargeInAction[] {
    this.state = { kind: 'idle' };
    return [{ type: 'interrupt', atMs, speechStartedAtMs: since }];
  }
}
