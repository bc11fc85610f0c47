/**
 * Which IP addresses a remote API may not live at: loopback, private, link-local, shared (CGNAT),
 * unspecified, multicast, reserved and cloud metadata addresses, including IPv4 addresses embedded
 * in IPv6 (mapped, NAT64, 6to4). Pure: no DNS, no sockets.
 */
import { isIP } from 'node:net';

/** Why an address (or host name) is refused. */
export const AddressRule = {
  /** `0.0.0.0/8`, `::`. */
  Unspecified: 'unspecified',
  /** `127.0.0.0/8`, `::1`, `localhost` and `*.localhost`. */
  Loopback: 'loopback',
  /** RFC 1918 (`10/8`, `172.16/12`, `192.168/16`), ULA `fc00::/7`, site-local `fec0::/10`. */
  Private: 'private',
  /** `169.254.0.0/16`, `fe80::/10`. */
  LinkLocal: 'link_local',
  /** Shared address space (carrier-grade NAT) `100.64.0.0/10`. */
  SharedAddressSpace: 'cgnat',
  /** `224.0.0.0/4`, `ff00::/8`. */
  Multicast: 'multicast',
  /** Cloud instance metadata: `169.254.169.254`, `169.254.170.2`, `100.100.100.200`, `fd00:ec2::254`, `metadata.google.internal`, … */
  Metadata: 'metadata',
  /** Not routable on the internet: `240/4`, broadcast, `192.0.0/24`, `198.18/15`, documentation ranges, `100::/64`, Teredo `2001::/32`, `2001:db8::/32`. */
  Reserved: 'reserved',
} as const;

/** One of {@link AddressRule}. */
export type AddressRule = (typeof AddressRule)[keyof typeof AddressRule];

/** What each rule covers, for error messages (never the address itself). */
export const ADDRESS_RULE_DESCRIPTIONS = {
  unspecified: 'an unspecified address (0.0.0.0/8, ::)',
  loopback: 'a loopback address (127.0.0.0/8, ::1, localhost)',
  private: 'a private address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7)',
  link_local: 'a link-local address (169.254.0.0/16, fe80::/10)',
  cgnat: 'a shared (CGNAT) address (100.64.0.0/10)',
  multicast: 'a multicast address (224.0.0.0/4, ff00::/8)',
  metadata: 'a cloud metadata address (169.254.169.254, fd00:ec2::254, metadata.google.internal)',
  reserved: 'a reserved, non-routable address',
} as const satisfies Record<AddressRule, string>;

type Range = readonly [prefix: readonly number[], bits: number, rule: AddressRule];

// Most specific first: the first matching range names the rule.
const V4: readonly Range[] = [
  [[169, 254, 169, 254], 32, 'metadata'],
  [[169, 254, 170, 2], 32, 'metadata'],
  [[100, 100, 100, 200], 32, 'metadata'],
  [[0], 8, 'unspecified'],
  [[127], 8, 'loopback'],
  [[10], 8, 'private'],
  [[172, 16], 12, 'private'],
  [[192, 168], 16, 'private'],
  [[169, 254], 16, 'link_local'],
  [[100, 64], 10, 'cgnat'],
  [[224], 4, 'multicast'],
  [[240], 4, 'reserved'],
  [[192, 0, 0], 24, 'reserved'],
  [[192, 0, 2], 24, 'reserved'],
  [[198, 18], 15, 'reserved'],
  [[198, 51, 100], 24, 'reserved'],
  [[203, 0, 113], 24, 'reserved'],
];

const V6: readonly Range[] = [
  [[0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54], 128, 'metadata'],
  [[0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x23], 128, 'metadata'],
  [new Array<number>(16).fill(0), 128, 'unspecified'],
  [[...new Array<number>(15).fill(0), 1], 128, 'loopback'],
  [[0xfc], 7, 'private'],
  [[0xfe, 0xc0], 10, 'private'],
  [[0xfe, 0x80], 10, 'link_local'],
  [[0xff], 8, 'multicast'],
  [[0x01, 0x00, 0, 0, 0, 0, 0, 0], 64, 'reserved'],
  [[0x20, 0x01, 0x00, 0x00], 32, 'reserved'],
  [[0x20, 0x01, 0x0d, 0xb8], 32, 'reserved'],
];

/** Names that are refused whatever they resolve to (lower case, no trailing dot). */
const METADATA_HOSTS: ReadonlySet<string> = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'metadata.azure.internal',
  'instance-data',
  'instance-data.ec2.internal',
]);

/**
 * The rule refusing IP address `address` (v4 or v6, optionally `[bracketed]` or with a `%zone`),
 * or `undefined` when it is a public unicast address. Throws `TypeError` for a non-IP string.
 */
export function addressRuleOf(address: string): AddressRule | undefined {
  const bytes = ipBytes(address);
  if (bytes === undefined) throw new TypeError('not an IP address');
  if (bytes.length === 4) return match(V4, bytes);
  const direct = match(V6, bytes);
  if (direct !== undefined) return direct;
  const embedded = embeddedV4(bytes);
  return embedded === undefined ? undefined : match(V4, embedded);
}

/** The rule refusing host name `hostname` by name alone (`localhost`, metadata names), else `undefined`. */
export function hostNameRuleOf(hostname: string): AddressRule | undefined {
  const name = hostname.trim().toLowerCase().replace(/\.+$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return 'loopback';
  if (METADATA_HOSTS.has(name)) return 'metadata';
  return undefined;
}

/** `hostname` without IPv6 brackets when it is an IP literal, else `undefined`. */
export function ipLiteralOf(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare.split('%')[0] ?? '') === 0 ? undefined : bare;
}

function match(ranges: readonly Range[], bytes: readonly number[]): AddressRule | undefined {
  for (const [prefix, bits, rule] of ranges) {
    if (prefixMatches(bytes, prefix, bits)) return rule;
  }
  return undefined;
}

function prefixMatches(bytes: readonly number[], prefix: readonly number[], bits: number): boolean {
  for (let i = 0; i * 8 < bits; i++) {
    const take = Math.min(8, bits - i * 8);
    const mask = (0xff << (8 - take)) & 0xff;
    if (((bytes[i] ?? 0) & mask) !== ((prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** The IPv4 address inside an IPv4-mapped/-compatible (`::ffff:a.b.c.d`, `::a.b.c.d`), NAT64 (`64:ff9b::/96`, `64:ff9b:1::/48`) or 6to4 (`2002::/16`) address. */
function embeddedV4(b: readonly number[]): number[] | undefined {
  const zeros = (from: number, to: number): boolean => b.slice(from, to).every((x) => x === 0);
  if (zeros(0, 10) && ((b[10] === 0xff && b[11] === 0xff) || (b[10] === 0 && b[11] === 0))) return b.slice(12, 16);
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b) {
    if (zeros(4, 12)) return b.slice(12, 16);
    if (b[4] === 0x00 && b[5] === 0x01) return [10, 0, 0, 0]; // local-use NAT64 (RFC 8215): a private translator
  }
  if (b[0] === 0x20 && b[1] === 0x02) return b.slice(2, 6);
  return undefined;
}

/** The 4 or 16 bytes of an IP address, `undefined` when it is not one. */
function ipBytes(address: string): number[] | undefined {
  const bare = (address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address).split('%')[0] ?? '';
  const version = isIP(bare);
  if (version === 4) return bare.split('.').map(Number);
  if (version !== 6) return undefined;
  let text = bare.toLowerCase();
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const v4 = text.slice(lastColon + 1).split('.').map(Number);
    tail = v4;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head = '', rest] = text.split('::');
  const groups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const words = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = words.flatMap((w) => [w >> 8, w & 0xff]);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}
