/** Signals that stop the product: a terminal's Ctrl-C (SIGINT) and a service manager's SIGTERM. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * A stop signal this soon after the previous one is the same request, not a second one: a
 * launcher in the terminal's process group may relay the signal the product already received
 * (a `tsx` launcher does when the product is slow to acknowledge it), and one Ctrl-C must not
 * count twice.
 */
export const SIGNAL_REPEAT_WINDOW_MS = 300;

/** What a stop signal asks for, by how many came before it. */
export const StopRequest = {
  /** The first: refuse new streams, let live calls run up to the drain timeout, then stop. */
  Drain: 'drain',
  /** The second: end live calls now (finalized `failed`/`edge_shutdown`), then stop as usual. */
  Now: 'now',
  /** The third and later: exit at once. */
  Exit: 'exit',
} as const;
export type StopRequest = (typeof StopRequest)[keyof typeof StopRequest];

/**
 * Counts stop signals, whichever of {@link STOP_SIGNALS} each is. Returns the request of each
 * signal, or null for a repeat within {@link SIGNAL_REPEAT_WINDOW_MS} of the previous request.
 */
export function createStopSignalCounter(now: () => number = Date.now): () => StopRequest | null {
  let count = 0;
  let last = Number.NEGATIVE_INFINITY;
  return () => {
    const at = now();
    if (at - last < SIGNAL_REPEAT_WINDOW_MS) return null;
    last = at;
    count += 1;
    if (count === 1) return StopRequest.Drain;
    if (count === 2) return StopRequest.Now;
    return StopRequest.Exit;
  };
}
