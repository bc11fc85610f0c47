/**
 * Caller silence on a realtime call (`silence`): when neither the caller nor the agent has spoken
 * for `reprompt_after_s`, the model is asked for a reprompt; after `hangup_after_s` of silence in
 * all (reprompts do not restart that clock) the call ends for `silence`, after a goodbye when one
 * is configured. The clocks are a {@link SilenceWatch}; this file says when they run.
 *
 * They run once the conversation has settled — no response in progress or owed, no tool running,
 * the caller not speaking (the server VAD), the call not ending — and the agent's audio has been
 * heard to its end on the playback clock: audio still playing is not silence. When the rest has
 * settled while audio is still unheard, one owned timer looks again once it should have played.
 * The caller's speech or a key press stops the clocks and forgets the silence so far; a response
 * stops them until it has been heard (a reprompt keeps the silence so far).
 */
import { GLOBAL_TIMERS, SilenceWatch, silenceOptionsOf, type EngineLogger, type LogEvent, type SilenceConfig, type Timers } from '@vr3/agent';
import { REPROMPT_INSTRUCTIONS, sayInstructions } from './instructions.ts';

/** Shortest wait before looking again at audio not yet heard, ms (one provider frame). */
const MIN_RECHECK_MS = 20;

/** What {@link CallerSilence} reads of the call and acts through. */
export interface CallerSilenceHost {
  /** Something keeps the conversation going: a response active or asked for, a tool running, the caller speaking, the call ending or over. */
  busy(): boolean;
  /** Agent audio not yet heard (held by the engine, and unheard on the playback clock), ms. */
  unheardMs(): number;
  /** Asks the model for a response with these instructions (the reprompt). */
  reprompt(instructions: string): void;
  /** The call ends for silence: once a response with these instructions was heard, or at once without any. */
  hangup(goodbyeInstructions: string | undefined): void;
  /** A run event. */
  emit(event: LogEvent): void;
  log: EngineLogger;
}

/** Options of {@link CallerSilence}. */
export interface CallerSilenceOptions {
  /** Timers of the clocks and of the playback re-check (tests inject fakes). */
  timers?: Timers | undefined;
  /** Monotonic clock in ms. */
  now?: (() => number) | undefined;
}

/** See the module comment. */
export class CallerSilence {
  readonly #silence: SilenceConfig | undefined;
  readonly #host: CallerSilenceHost;
  readonly #timers: Timers;
  /** Null when `silence` sets no duration: every method does nothing. */
  readonly #watch: SilenceWatch | null;
  #recheck: unknown;
  #stopped = false;

  constructor(silence: SilenceConfig | undefined, host: CallerSilenceHost, options: CallerSilenceOptions = {}) {
    this.#silence = silence;
    this.#host = host;
    this.#timers = options.timers ?? GLOBAL_TIMERS;
    const durations = silenceOptionsOf(silence);
    this.#watch =
      durations === null
        ? null
        : new SilenceWatch(durations, { reprompt: () => this.#reprompt(), hangup: () => this.#hangup() }, this.#timers, options.now ?? (() => performance.now()));
  }

  /**
   * Something settled (the session opened, a response ended, an item was heard, the caller
   * stopped speaking, a tool answered): the clocks run if the call is now silent, else when its
   * audio will have been heard. Does nothing while they run.
   */
  settled(): void {
    const watch = this.#watch;
    if (watch === null || this.#stopped || watch.waiting) return;
    this.#cancelRecheck();
    if (this.#host.busy()) return;
    const unheardMs = this.#host.unheardMs();
    if (unheardMs > 0) {
      this.#recheck = this.#timers.setTimeout(() => {
        this.#recheck = undefined;
        this.settled();
      }, Math.max(MIN_RECHECK_MS, unheardMs));
      return;
    }
    watch.waitForCaller();
  }

  /** The caller speaks (the server VAD) or pressed a key: the silence is over. */
  callerActive(): void {
    this.#cancelRecheck();
    this.#watch?.callerActive();
  }

  /** A response started: the clocks wait until it has been heard. */
  agentSpeaking(): void {
    this.#cancelRecheck();
    this.#watch?.agentSpeaking();
  }

  /** Stops for good (the call ends or is ending). Idempotent. */
  stop(): void {
    this.#stopped = true;
    this.#cancelRecheck();
    this.#watch?.stop();
  }

  #reprompt(): void {
    if (this.#stopped || this.#host.busy()) return;
    const silence = this.#silence!;
    this.#host.log.debug({}, 'caller silent: reprompt');
    this.#host.emit({ type: 'log', data: { level: 'info', message: 'caller silent: reprompt', after_s: silence.reprompt_after_s } });
    this.#host.reprompt(silence.reprompt === undefined ? REPROMPT_INSTRUCTIONS : sayInstructions(silence.reprompt));
  }

  #hangup(): void {
    if (this.#stopped) return;
    const silence = this.#silence!;
    this.stop();
    this.#host.log.info({ after_s: silence.hangup_after_s }, 'caller silent: the agent hangs up');
    this.#host.emit({ type: 'log', data: { level: 'info', message: 'caller silent: the agent hangs up', after_s: silence.hangup_after_s } });
    this.#host.hangup(silence.goodbye === undefined ? undefined : sayInstructions(silence.goodbye));
  }

  #cancelRecheck(): void {
    if (this.#recheck === undefined) return;
    this.#timers.clearTimeout(this.#recheck);
    this.#recheck = undefined;
  }
}
