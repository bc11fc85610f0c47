import { BlockList, isIP } from 'node:net';
import { sourceAddress } from './pending-handshakes.ts';

/**
 * Proxies whose `X-Forwarded-For` the edge believes (a load balancer terminating the provider's TCP
 * connection, as HAProxy in `mode http`): addresses (`10.0.0.5`) and CIDR ranges (`10.0.0.0/8`,
 * `fd00::/8`). Parsed once from configuration.
 */
export class TrustedProxies {
  private readonly list = new BlockList();
  readonly size: number;

  /** Throws a `TypeError` naming the first entry that is not an address or a CIDR range. */
  constructor(entries: readonly string[]) {
    for (const raw of entries) {
      const entry = raw.trim();
      const [address = '', prefix] = entry.split('/', 2);
      const family = isIP(address);
      if (family === 0) throw new TypeError(`not an IP address or CIDR range: ${entry}`);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (prefix === undefined) {
        this.list.addAddress(address, type);
        continue;
      }
      const bits = Number(prefix);
      if (!/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128)) throw new TypeError(`not an IP address or CIDR range: ${entry}`);
      this.list.addSubnet(address, bits, type);
    }
    this.size = entries.length;
  }

  has(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && this.list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/**
 * The address a stream comes from, for per-source limits: the TCP peer's, unless that peer is a
 * trusted proxy — then the nearest `X-Forwarded-For` hop that is not itself trusted (each proxy
 * appends the address it saw; hops further left were written by the client and prove nothing).
 * Normalized by {@link sourceAddress}.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, trusted: TrustedProxies): string {
  let address = sourceAddress(peer);
  if (trusted.size === 0 || !trusted.has(address)) return address;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => hop !== '');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = sourceAddress(hops[i]);
    if (isIP(hop) === 0) return address; // a malformed hop: stop at the last address known good
    address = hop;
    if (!trusted.has(hop)) return hop;
  }
  return address;
}
