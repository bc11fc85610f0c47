/**
 * Checks that a remote API host is on the public internet, when a URL is saved
 * ({@link checkRemoteHost}) and again for the address a socket actually connects to
 * ({@link guardedLookup}: a DNS answer that changed since, "DNS rebinding", is refused too).
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { ADDRESS_RULE_DESCRIPTIONS, addressRuleOf, hostNameRuleOf, ipLiteralOf } from './address-rules.ts';
import type { AddressRule } from './address-rules.ts';
import { RemoteAddressError } from './errors.ts';

/**
 * Where a client may connect: `'public'` refuses every {@link AddressRule} address and non-https
 * URLs; `'any'` allows them (local stand-ins and tests).
 */
export type RemoteAddressPolicy = 'public' | 'any';

/** One resolved address. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves a host name to every address it has (`dns.lookup` with `all: true` by default).
 * Rejects (with any error) when the name does not resolve. Tests inject a stub.
 */
export type ResolveHost = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** `dns.lookup(hostname, { all: true })`: the system resolver, as sockets use it. */
export const systemResolveHost: ResolveHost = async (hostname) =>
  (await dnsLookup(hostname, { all: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/** The `lookup` option of `net.connect` / `http.request`. */
export type SocketLookup = (
  hostname: string,
  options: LookupOptions,
  callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

/** Options of {@link checkRemoteHost}. */
export interface CheckRemoteHostOptions {
  /** Default {@link systemResolveHost}. */
  resolveHost?: ResolveHost | undefined;
  /** Deadline of the resolution in milliseconds; past it the host counts as unresolvable. */
  timeoutMs: number;
}

/**
 * Resolves when `hostname` (a name or an IP literal, as in `URL.hostname`) is public: not a refused
 * name, and every address it resolves to passes {@link addressRuleOf}.
 *
 * @throws RemoteAddressError `address_not_allowed` (with `rule`) or `host_unresolvable`.
 */
export async function checkRemoteHost(hostname: string, options: CheckRemoteHostOptions): Promise<void> {
  const addresses = await resolveChecked(hostname, options.resolveHost ?? systemResolveHost, options.timeoutMs);
  if (addresses.length === 0) throw new RemoteAddressError('host_unresolvable', 'host name has no address');
}

/**
 * A socket `lookup` that resolves with `resolveHost` and fails with `RemoteAddressError
 * address_not_allowed` when any address of the host is refused, so the socket never connects.
 * With policy `'any'` it only resolves. IP literals never reach a `lookup`: check them with
 * {@link checkRemoteHost} before connecting.
 */
export function guardedLookup(policy: RemoteAddressPolicy, resolveHost: ResolveHost = systemResolveHost): SocketLookup {
  return (hostname, options, callback) => {
    const resolved = policy === 'public' ? resolveChecked(hostname, resolveHost, undefined) : resolveHost(hostname);
    resolved.then(
      (all) => {
        const family = options.family === 4 || options.family === 6 ? options.family : undefined;
        const usable = family === undefined ? all : all.filter((a) => a.family === family);
        const first = usable[0];
        if (first === undefined) {
          callback(Object.assign(new Error('host name has no usable address'), { code: 'ENOTFOUND' }), '');
          return;
        }
        if (options.all) callback(null, usable.map((a) => ({ address: a.address, family: a.family })));
        else callback(null, first.address, first.family);
      },
      (err: unknown) => callback(err as NodeJS.ErrnoException, ''),
    );
  };
}

/** The refusal for `rule`. */
export function addressNotAllowed(rule: AddressRule): RemoteAddressError {
  return new RemoteAddressError('address_not_allowed', `host is or resolves to ${ADDRESS_RULE_DESCRIPTIONS[rule]}`, { rule });
}

async function resolveChecked(hostname: string, resolveHost: ResolveHost, timeoutMs: number | undefined): Promise<readonly ResolvedAddress[]> {
  const byName = hostNameRuleOf(hostname);
  if (byName !== undefined) throw addressNotAllowed(byName);
  const literal = ipLiteralOf(hostname);
  if (literal !== undefined) {
    const rule = addressRuleOf(literal);
    if (rule !== undefined) throw addressNotAllowed(rule);
    return [{ address: literal.split('%')[0] ?? literal, family: literal.includes(':') ? 6 : 4 }];
  }
  let addresses: readonly ResolvedAddress[];
  try {
    addresses = await withDeadline(resolveHost(hostname), timeoutMs);
  } catch (err) {
    throw new RemoteAddressError('host_unresolvable', 'host name does not resolve', { cause: err });
  }
  for (const { address } of addresses) {
    let rule: AddressRule | undefined;
    try {
      rule = addressRuleOf(address);
    } catch (err) {
      throw new RemoteAddressError('host_unresolvable', 'host name resolved to something that is not an IP address', { cause: err });
    }
    if (rule !== undefined) throw addressNotAllowed(rule);
  }
  return addresses;
}

function withDeadline<T>(promise: Promise<T>, timeoutMs: number | undefined): Promise<T> {
  if (timeoutMs === undefined) return promise;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
