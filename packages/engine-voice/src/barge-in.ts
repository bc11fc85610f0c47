/**
 * Barge-in: what the `voice` engine does when the caller speaks while the agent is talking.
 *
 * At speech onset the agent's audio is paused at once (a `clear` at the provider, so the caller is
 * not talked over while we decide), keeping what was not played. The interruption is confirmed
 * when the caller's speech lasts `minDurationMs` or the speech-to-text hears words: the turn is
 * then cut to what was heard and the reply's LLM and TTS streams are aborted. Speech that ends
 * sooner without words was a noise (a cough, a door): the agent resumes from where it stopped.
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
}

export const DEFAULT_BARGE_IN: BargeInOptions = { enabled: true, minDurationMs: 500 };

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
  /** The caller started speaking over the agent at `since`; the agent is paused. */
  | { kind: 'paused'; since: number };

/** One call's barge-in decisions. */
export class BargeIn {
  private state: State = { kind: 'idle' };
  private callerSpeaking = false;

  constructor(private readonly options: BargeInOptions = DEFAULT_BARGE_IN) {}

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
    // Shorter than an interruption and no words: a noise.
    this.state = { kind: 'speaking' };
    return [{ type: 'resume', atMs }];
  }

  /** The speech-to-text heard words (interim or final) at `atMs`: speech, not noise. */
  wordsHeard(atMs: number): BargeInAction[] {
    if (this.state.kind !== 'paused') return [];
    return this.confirm(atMs, this.state.since);
  }

  /** Time passes: a pause whose speech went on for `minDurationMs` becomes an interruption. */
  tick(nowMs: number): BargeInAction[] {
    if (this.state.kind !== 'paused' || !this.callerSpeaking) return [];
    if (nowMs - this.state.since < this.options.minDurationMs) return [];
    return this.confirm(nowMs, this.state.since);
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
