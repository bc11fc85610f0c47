/**
 * How a voice call ends once the agent's last words were heard: a hangup (`end_call`, the silence
 * watch), a transfer (`transfer_call`), or a failure after the spoken apology (the LLM failed). Set
 * once (the first reason wins), acted on once; a failing call's apology has a deadline
 * ({@link VOICE_DEFAULTS.apologyDeadlineMs}) after which the call fails anyway. Also where a
 * failure is reported on the run: a `log` run event with the stage, vendor, code and status (never
 * a key, URL or body), then `io.fail`.
 */
import { EngineError, type AgentIO, type EngineLogger } from '@vr3/agent';
import { VendorError } from '@vr3/vendors';
import { vendorFailure } from './errors.ts';
import { VOICE_DEFAULTS } from './spec.ts';

/** Why the call ends. */
export type EndingReason = { kind: 'hangup'; reason: string } | { kind: 'transfer'; target: string } | { kind: 'fail'; failure: EngineError };

/** What {@link CallEnding} acts through. */
export interface CallEndingDeps {
  /** The call's I/O, `null` once the session closed. */
  io(): AgentIO | null;
  log: EngineLogger;
  /** The call is ending: the silence clocks stop. */
  stopSilence(): void;
}

/** See the module comment. */
export class CallEnding {
  readonly #deps: CallEndingDeps;
  #reason: EndingReason | undefined;
  #done = false;
  /** Ends a failing call if its apology is not reported heard in time. */
  #apologyTimer: NodeJS.Timeout | undefined;

  constructor(deps: CallEndingDeps) {
    this.#deps = deps;
  }

  /** The call is ending: no new turn starts. */
  get pending(): boolean {
    return this.#reason !== undefined;
  }

  /** The call ends for `reason` once the agent's last words were heard; false when it was already ending. */
  begin(reason: EndingReason): boolean {
    if (this.#reason !== undefined) return false;
    this.#reason = reason;
    this.#deps.stopSilence();
    return true;
  }

  /**
   * The LLM failed: true when the caller should hear an apology first (the call then ends once it
   * was heard, or {@link VOICE_DEFAULTS.apologyDeadlineMs} from now); false when the call failed at
   * once (it was already ending, or has closed).
   */
  apologizeFirst(failure: EngineError): boolean {
    if (this.#reason !== undefined || this.#deps.io() === null) {
      this.fail(failure);
      return false;
    }
    this.begin({ kind: 'fail', failure });
    this.#apologyTimer = setTimeout(() => this.act(), VOICE_DEFAULTS.apologyDeadlineMs);
    return true;
  }

  /** Hangs up, transfers or fails, once (nothing unless the call is ending). */
  act(): void {
    const reason = this.#reason;
    const io = this.#deps.io();
    if (reason === undefined || this.#done || io === null) return;
    this.#done = true;
    this.close();
    this.#deps.stopSilence();
    switch (reason.kind) {
      case 'transfer':
        return io.transfer(reason.target);
      case 'hangup':
        return io.hangup(reason.reason);
      case 'fail':
        return this.fail(reason.failure);
    }
  }

  /** Fails the call now with `err` (an {@link EngineError}, else a session failure), reported on the run. */
  fail(err: unknown): void {
    const io = this.#deps.io();
    if (!io) return;
    const failure = err instanceof EngineError ? err : vendorFailure('session', err);
    const cause = failure.cause instanceof VendorError ? failure.cause : undefined;
    const fields = { vendor: cause?.vendor, vendor_code: cause?.code, status: cause?.status ?? cause?.httpStatus };
    this.#deps.log.warn({ err_code: failure.code, ...fields }, 'voice session failed');
    // The run keeps why (our own message: stage, vendor, code and status; never a key, URL or body).
    io.emit({ type: 'log', data: { level: 'error', message: failure.message, ...fields } });
    io.fail(failure);
  }

  /** Clears the apology deadline (idempotent). */
  close(): void {
    clearTimeout(this.#apologyTimer);
    this.#apologyTimer = undefined;
  }
}
