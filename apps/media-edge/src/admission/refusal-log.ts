import type { Logger } from 'pino';

/** One aggregated log line: a refusal code from one source address, and how often. */
interface RefusalCount {
  code: string;
  address: string;
  count: number;
}

/** Source address under which refusals are counted once {@link RefusalLog} tracks its most keys. */
export const OTHER_ADDRESSES = 'other';

/**
 * Streams refused (before admission, or by the control-plane's admission answer) are logged in
 * aggregate: one `warn` line `stream refused` per code and source address per interval, with the
 * count, rather than a line per refused stream (a flood of refused streams would otherwise cost a
 * line each). The first refusal of an interval arms its timer; {@link flush} writes what is pending
 * (at the interval's end, and when the edge closes). At most `maxKeys` code/address pairs are kept
 * per interval; refusals beyond are counted under the address {@link OTHER_ADDRESSES}.
 */
export class RefusalLog {
  private readonly counts = new Map<string, RefusalCount>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly log: Logger,
    private readonly intervalMs: number,
    private readonly maxKeys = 1_000,
  ) {}

  /** Counts one refused stream. */
  record(code: string, address: string): void {
    let key = `${code} ${address}`;
    let entry = this.counts.get(key);
    if (entry === undefined && this.counts.size >= this.maxKeys) {
      key = `${code} ${OTHER_ADDRESSES}`;
      entry = this.counts.get(key);
      address = OTHER_ADDRESSES;
    }
    if (entry === undefined) this.counts.set(key, { code, address, count: 1 });
    else entry.count++;
    if (this.timer === null) {
      this.timer = setTimeout(() => this.flush(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** Writes one line per code and address counted since the last flush. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (const { code, address, count } of this.counts.values()) {
      this.log.warn({ code, source_address: address, count, interval_ms: this.intervalMs }, 'stream refused');
    }
    this.counts.clear();
  }
}
