import { isIPv4 } from 'node:net';

/** What {@link PendingHandshakes} reports its total to (a prom-client `Gauge`). */
export interface PendingGauge {
  inc(): void;
  dec(): void;
}

/** Releases one pending handshake. Only the first call counts. */
export type ReleasePending = () => void;

/**
 * Sockets whose provider handshake is not complete yet (from WebSocket open until `start` arrived
 * or the call ended), counted per source address and bounded per address. A real provider sends
 * `start` within milliseconds of the upgrade, so its sockets are pending only briefly even in a
 * burst; sockets that open and stay silent are what the bound stops, before any of them reaches
 * the control-plane.
 *
 * An address is tracked only while it has a pending socket: its entry is removed when its count
 * returns to zero, so the map holds no more entries than there are pending sockets.
 */
export class PendingHandshakes {
  private readonly byAddress = new Map<string, number>();
  private pending = 0;

  constructor(
    private readonly maxPerAddress: number,
    private readonly gauge?: PendingGauge,
  ) {}

  /** Sockets pending on this edge, all addresses together. */
  get total(): number {
    return this.pending;
  }

  /** Source addresses with at least one pending socket. */
  get addresses(): number {
    return this.byAddress.size;
  }

  /** Sockets pending from `address`. */
  count(address: string): number {
    return this.byAddress.get(address) ?? 0;
  }

  /**
   * Counts one more pending socket from `address` and returns its release, or returns null (and
   * counts nothing) when the address already holds `maxPerAddress`.
   */
  acquire(address: string): ReleasePending | null {
    const held = this.count(address);
    if (held >= this.maxPerAddress) return null;
    this.byAddress.set(address, held + 1);
    this.pending++;
    this.gauge?.inc();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release(address);
    };
  }

  private release(address: string): void {
    const held = this.count(address);
    if (held <= 1) this.byAddress.delete(address);
    else this.byAddress.set(address, held - 1);
    this.pending--;
    this.gauge?.dec();
  }
}

/**
 * The key a socket's remote address is counted under: an IPv4-mapped IPv6 address
 * (`::ffff:192.0.2.1`, what a dual-stack listener reports for IPv4 peers) as its IPv4 form, so one
 * peer never counts under two keys. A socket already gone reports no address: `unknown`.
 */
export function sourceAddress(remoteAddress: string | undefined): string {
  if (remoteAddress === undefined || remoteAddress === '') return 'unknown';
  const lower = remoteAddress.toLowerCase();
  if (lower.startsWith('::ffff:')) {
    const v4 = lower.slice(7);
    if (isIPv4(v4)) return v4;
  }
  return lower;
}
