/**
 * Caller silence: once the agent has finished speaking and the caller says nothing, the agent asks
 * again after `repromptAfterMs`, and hangs up after `hangupAfterMs` of silence in all (reprompts
 * do not restart that clock). Caller speech, a key press or a new agent turn stops the clocks;
 * they start again when the agent's audio has been heard to its end. Engine-neutral: the engine
 * says when the caller is waited for and what a reprompt and a hang-up do
 * ({@link SilenceConfigSchema} is the `silence` section of its configuration).
 */
import { GLOBAL_TIMERS, type Timers } from './timers.ts';

/** What the watch does when a clock runs out. */
export interface SilenceActions {
  reprompt(): void;
  hangup(): void;
}

/** Options of {@link SilenceWatch}; an absent duration turns its action off. */
export interface SilenceOptions {
  repromptAfterMs?: number | undefined;
  hangupAfterMs?: number | undefined;
}

/** See the module comment. */
export class SilenceWatch {
  readonly #options: SilenceOptions;
  readonly #actions: SilenceActions;
  readonly #timers: Timers;
  #reprompt: unknown;
  #hangup: unknown;
  /** Time of silence already spent before the agent's last reprompt (the hang-up clock runs on across reprompts). */
  #silentBeforeMs = 0;
  #since = 0;
  #stopped = false;
  readonly #now: () => number;

  constructor(options: SilenceOptions, actions: SilenceActions, timers: Timers = GLOBAL_TIMERS, now: () => number = () => performance.now()) {
    this.#options = options;
    this.#actions = actions;
    this.#timers = timers;
    this.#now = now;
  }

  /** The clocks run: the caller is waited for. */
  get waiting(): boolean {
    return this.#reprompt !== undefined || this.#hangup !== undefined;
  }

  /** The caller is listening and nobody speaks: the clocks run (again, from now). */
  waitForCaller(): void {
    if (this.#stopped) return;
    this.#clear();
    this.#since = this.#now();
    const { repromptAfterMs, hangupAfterMs } = this.#options;
    if (hangupAfterMs !== undefined) {
      this.#hangup = this.#timers.setTimeout(() => {
        this.#hangup = undefined;
        this.stop();
        this.#actions.hangup();
      }, Math.max(0, hangupAfterMs - this.#silentBeforeMs));
    }
    if (repromptAfterMs !== undefined && (hangupAfterMs === undefined || this.#silentBeforeMs + repromptAfterMs < hangupAfterMs)) {
      this.#reprompt = this.#timers.setTimeout(() => {
        this.#reprompt = undefined;
        // The reprompt is agent speech: the hang-up clock keeps what has passed and waits for it to be heard.
        this.#silentBeforeMs += this.#now() - this.#since;
        this.#clear();
        this.#actions.reprompt();
      }, repromptAfterMs);
    }
  }

  /** The caller spoke or pressed a key: the silence is over. */
  callerActive(): void {
    this.#silentBeforeMs = 0;
    this.#clear();
  }

  /** The agent speaks (a reply, not a reprompt): the clocks wait until it has been heard. */
  agentSpeaking(): void {
    this.#clear();
  }

  /** Stops for good (the call ends). */
  stop(): void {
    this.#stopped = true;
    this.#clear();
  }

  #clear(): void {
    if (this.#reprompt !== undefined) this.#timers.clearTimeout(this.#reprompt);
    if (this.#hangup !== undefined) this.#timers.clearTimeout(this.#hangup);
    this.#reprompt = undefined;
    this.#hangup = undefined;
  }
}
