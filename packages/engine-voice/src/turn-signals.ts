/**
 * How a voice turn stops early, as errors its steps throw up to the session's turn queue: quietly
 * ({@link Stopped}: the call ended, or the caller interrupted the turn), or with an apology before
 * the call fails ({@link ApologizeAndFail}: the LLM failed while speech still works). Anything
 * else a turn throws fails the call at once.
 */
import type { EngineError } from '@vr3/agent';

/** Stops a turn quietly: the call ended, or the caller interrupted it. */
export class Stopped extends Error {
  constructor() {
    super('the turn was stopped');
  }
}

/** The LLM failed: the caller hears an apology (if speech still works), then the call ends with `failure`. */
export class ApologizeAndFail extends Error {
  constructor(readonly failure: EngineError) {
    super(failure.message, { cause: failure });
  }
}
