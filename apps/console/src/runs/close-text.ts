import type { Run } from '../types.ts';

/** Who closed the provider's socket, as the run page says it. */
const BY = { edge: 'closed by the edge', peer: 'closed by the provider' } as const;

/**
 * A run's socket close for people: the code, the close frame's reason (the contract's reasons name
 * why the edge closed: `session validation failed`, `frame rate exceeded`…) and who closed first.
 * `—` when the run records none (live, `edge_lost`, an outbound call never connected).
 */
export function closeText(close: Run['close']): string {
  if (close === null) return '—';
  const reason = close.reason === '' ? '' : ` "${close.reason}"`;
  return `${close.code}${reason}, ${BY[close.initiator]}`;
}
