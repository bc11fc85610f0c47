/**
 * The dialer's pacing, pure: a campaign dials at most one call every `1 / calls_per_second`
 * (a token bucket of one token, its next token time `next_dial_at` kept on the campaign row, so
 * every replica and every restart continues the same schedule), never more calls at once than
 * `max_concurrent`, and only inside its calling window.
 */

/** What one dialer pass knows of a campaign. */
export interface PacingInput {
  /** Now, in epoch milliseconds. */
  now: number;
  /** The campaign's `next_dial_at` (epoch ms): no slot before it. */
  nextDialAt: number;
  callsPerSecond: number;
  /** Slots are given up to this far ahead of `now`, in milliseconds (a little more than the pass period). */
  horizonMs: number;
  /** Most slots to give: the campaign's free concurrency, bounded by its contacts due. */
  max: number;
  /** False for a time outside the calling window: no slot is given from there on in this pass. */
  allowed?: ((at: number) => boolean) | undefined;
}

/** Slots given by {@link reserveSlots}. */
export interface Reservation {
  /** Dial times (epoch ms), ascending, `1000 / callsPerSecond` apart or more. */
  slots: number[];
  /** The campaign's `next_dial_at` after them (unchanged when no slot was given). */
  nextDialAt: number;
}

/** Milliseconds between two dials of a campaign: whole milliseconds (what the database stores), rounded up. */
export function dialIntervalMs(callsPerSecond: number): number {
  return Math.ceil(1000 / callsPerSecond);
}

/** Calls a campaign may still start: `max_concurrent` less its contacts being dialled, never below 0. */
export function freeConcurrency(maxConcurrent: number, dialling: number): number {
  return Math.max(0, maxConcurrent - dialling);
}

/**
 * The dial slots of one pass: from `max(now, nextDialAt)` every interval, while before
 * `now + horizonMs`, inside the window and fewer than `max`. A campaign idle for a while starts
 * again at `now`: unused tokens do not accumulate into a burst.
 */
export function reserveSlots(input: PacingInput): Reservation {
  const interval = dialIntervalMs(input.callsPerSecond);
  const end = input.now + input.horizonMs;
  const slots: number[] = [];
  let at = Math.max(input.now, input.nextDialAt);
  while (slots.length < input.max && at < end) {
    if (input.allowed && !input.allowed(at)) break;
    slots.push(at);
    at += interval;
  }
  return { slots, nextDialAt: slots.length > 0 ? at : input.nextDialAt };
}
