/**
 * One call's barge-in, driven by the vendor's server VAD events (see `./interruption.ts` for the
 * rules): a pause at the speech onset, then an interruption or a resume once the speech ended —
 * or, for speech too short whose transcript is on its way, once that transcript came. What a pause,
 * a cut or a resume does to the call is the session's ({@link BargeInHost}); this class keeps the
 * state between the events and the one timer of the transcript wait.
 */
import { INTERRUPTION_DEFAULTS, interruptionVerdict } from './interruption.ts';

/** What barge-in does to its call. */
export interface BargeInHost {
  /** The agent's audio is queued or playing, or its response is being generated. */
  agentTalking(): boolean;
  /** `end_call` / `transfer_call` is under way: its last words are never cut off. */
  ending(): boolean;
  /** Clears the provider's buffer and holds the agent's audio; returns the playback position heard. */
  pause(): number;
  /** Plays the held audio on from where the caller stopped hearing it. */
  resume(): void;
  /** Cuts the agent off at `heardMs` (truncates its items; cancels a response still streaming when `cancel`). */
  cut(heardMs: number, cancel: boolean): void;
  /** Tells the vendor whether to answer the caller's turns on its own (`create_response`). */
  vendorAnswers(on: boolean): void;
  /** Every `session.update` sent so far was acknowledged (the vendor applies them in order). */
  vendorCaughtUp(): boolean;
  /** Asks the vendor for the reply to the caller's turn. */
  answer(): void;
  /** The vendor's next response answers a noise: cancel it. */
  cancelNextResponse(): void;
}

/** Settings of {@link BargeIn}. */
export interface BargeInOptions {
  /** `interruption.enabled`. */
  enabled: boolean;
  /** `interruption.min_duration_ms`; 0 cuts the agent off at the onset. */
  minDurationMs: number;
  /** The caller's speech is transcribed: a short speech's transcript is awaited before resuming. */
  transcribed: boolean;
  /** Monotonic clock in ms. */
  now: () => number;
}

interface Pause {
  /** Playback position the caller had heard at the pause. */
  heardMs: number;
  /** The speech's start in the input audio (`audio_start_ms`). */
  audioStartMs: number;
  /** When it was reported, for a vendor that sends no positions. */
  at: number;
  /** The speech ended short; its transcript is awaited until this timer fires. */
  transcriptWait?: { timer: NodeJS.Timeout; caughtUp: boolean } | undefined;
}

/** See the module comment. {@link close} clears its timer. */
export class BargeIn {
  readonly #host: BargeInHost;
  readonly #options: BargeInOptions;
  #pause: Pause | undefined;
  #closed = false;
  /** The silence that ends the caller's speech at the vendor (included in `speech_stopped`'s end). */
  vendorSilenceMs: number = INTERRUPTION_DEFAULTS.vendorSilenceMs;

  constructor(host: BargeInHost, options: BargeInOptions) {
    this.#host = host;
    this.#options = options;
  }

  /** The agent is paused, waiting for the decision. */
  get paused(): boolean {
    return this.#pause !== undefined;
  }

  /** `input_audio_buffer.speech_started` at `audioStartMs` of the input audio. */
  speechStarted(audioStartMs: number): void {
    const pause = this.#pause;
    if (pause?.transcriptWait !== undefined) {
      // Speech again while the short one's transcript is awaited: the same interruption attempt.
      clearTimeout(pause.transcriptWait.timer);
      pause.transcriptWait = undefined;
      this.#host.vendorAnswers(false);
      return;
    }
    const host = this.#host;
    if (this.#closed || pause !== undefined || !this.#options.enabled || host.ending() || !host.agentTalking()) return;
    if (this.#options.minDurationMs === 0) return host.cut(host.pause(), false); // the vendor cancels the response itself
    this.#pause = { heardMs: host.pause(), audioStartMs, at: this.#options.now() };
    host.vendorAnswers(false);
  }

  /** `input_audio_buffer.speech_stopped` at `audioEndMs` of the input audio. */
  speechStopped(audioEndMs: number): void {
    const pause = this.#pause;
    if (pause === undefined || pause.transcriptWait !== undefined) return;
    // Our `create_response: false` reached the vendor before the speech ended: it will not answer on its own.
    const caughtUp = this.#host.vendorCaughtUp();
    this.#host.vendorAnswers(true);
    if (this.#host.ending()) return this.#resume(caughtUp);
    const speech = audioEndMs > pause.audioStartMs ? { audioStartMs: pause.audioStartMs, audioEndMs } : { audioStartMs: 0, audioEndMs: this.#options.now() - pause.at };
    if (interruptionVerdict(speech, this.vendorSilenceMs, this.#options.minDurationMs) === 'interrupt') return this.#confirm(caughtUp);
    if (!this.#options.transcribed) return this.#resume(caughtUp);
    // Short, but words in it still make it a turn ("No."): its transcript decides, if it comes soon.
    pause.transcriptWait = { timer: setTimeout(() => this.#resume(caughtUp), INTERRUPTION_DEFAULTS.transcriptWaitMs), caughtUp };
  }

  /** The caller's speech was transcribed (`''`: no words; `undefined`: the transcription failed). */
  transcript(text: string | undefined): void {
    const wait = this.#pause?.transcriptWait;
    if (wait === undefined) return;
    if (text === undefined || text === '') this.#resume(wait.caughtUp);
    else this.#confirm(wait.caughtUp);
  }

  /** A response started. While paused, the vendor took the caller's speech as a turn: an interruption, that response the reply. */
  responseStarted(): void {
    const pause = this.#pause;
    if (pause === undefined || this.#host.ending()) return;
    if (pause.transcriptWait === undefined) this.#host.vendorAnswers(true);
    this.#confirm(false);
  }

  /** The call ended. Idempotent. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#pause?.transcriptWait?.timer);
    this.#pause = undefined;
  }

  /** The caller interrupted: cut the agent off; answer the caller unless the vendor does. */
  #confirm(caughtUp: boolean): void {
    const pause = this.#pause;
    if (pause === undefined) return;
    clearTimeout(pause.transcriptWait?.timer);
    this.#pause = undefined;
    this.#host.cut(pause.heardMs, true);
    if (caughtUp) this.#host.answer();
  }

  /** A noise: the agent plays on from where it stopped. */
  #resume(caughtUp: boolean): void {
    const pause = this.#pause;
    if (pause === undefined || this.#closed) return;
    clearTimeout(pause.transcriptWait?.timer);
    this.#pause = undefined;
    // The speech ended before our `create_response: false` reached the vendor: it will answer the noise.
    if (!caughtUp) this.#host.cancelNextResponse();
    this.#host.resume();
  }
}
