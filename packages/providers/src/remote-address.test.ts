import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { ADDRESS_RULE_DESCRIPTIONS, type AddressRule } from './address-rules.ts';
import { RemoteAddressError } from './errors.ts';
import { checkRemoteHost, guardedLookup, type ResolveHost } from './remote-address.ts';

const resolver =
  (table: Record<string, string[]>): ResolveHost =>
  async (hostname) => {
    const found = table[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }) as const);
  };

async function refusal(p: Promise<unknown>): Promise<RemoteAddressError> {
  const err = await p.then(() => expect.unreachable('expected a rejection'), (e: unknown) => e);
  expect(err).toBeInstanceOf(RemoteAddressError);
  return err as RemoteAddressError;
}

describe('checkRemoteHost', () => {
  const resolveHost = resolver({
    'public.test': ['8.8.8.8', '2606:4700:4700::1111'],
    'mixed.test': ['8.8.8.8', '10.0.0.7'],
    'ula.test': ['fd12::1'],
    'nat.test': ['100.64.1.1'],
    'weird.test': ['not-an-ip'],
  });

  it('accepts a host whose every address is public, and a public IP literal', async () => {
    await expect(checkRemoteHost('public.test', { resolveHost, timeoutMs: 1000 })).resolves.toBeUndefined();
    await expect(checkRemoteHost('8.8.4.4', { resolveHost, timeoutMs: 1000 })).resolves.toBeUndefined();
  });

  it.each([
    ['mixed.test', 'private'],
    ['ula.test', 'private'],
    ['nat.test', 'cgnat'],
    ['127.0.0.1', 'loopback'],
    ['[fe80::1]', 'link_local'],
    ['localhost', 'loopback'],
    ['metadata.google.internal', 'metadata'],
  ])('refuses %s (%s), naming the rule but not the host', async (host, rule) => {
    const e = await refusal(checkRemoteHost(host, { resolveHost, timeoutMs: 1000 }));
    expect(e).toMatchObject({ code: 'address_not_allowed', rule, retryable: false });
    expect(e.message).toBe(`host is or resolves to ${ADDRESS_RULE_DESCRIPTIONS[rule as AddressRule]}`);
  });

  it('fails host_unresolvable for an unknown name, a non-IP answer and a resolver past the deadline', async () => {
    expect((await refusal(checkRemoteHost('nope.test', { resolveHost, timeoutMs: 1000 }))).code).toBe('host_unresolvable');
    expect((await refusal(checkRemoteHost('weird.test', { resolveHost, timeoutMs: 1000 }))).code).toBe('host_unresolvable');
    const started = performance.now();
    const hung: ResolveHost = () => new Promise(() => {});
    expect((await refusal(checkRemoteHost('slow.test', { resolveHost: hung, timeoutMs: 100 }))).code).toBe('host_unresolvable');
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('guardedLookup', () => {
  const call = (lookup: ReturnType<typeof guardedLookup>, host: string, options: { all?: boolean; family?: number }) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number | undefined }>((resolve) =>
      lookup(host, options, (err, address, family) => resolve({ err, address, family })),
    );
  const resolveHost = resolver({ 'public.test': ['8.8.8.8', '2606:4700:4700::1111'], 'rebound.test': ['192.168.0.10'] });

  it('answers like dns.lookup for a public host (one address, all, by family)', async () => {
    const lookup = guardedLookup('public', resolveHost);
    expect(await call(lookup, 'public.test', {})).toEqual({ err: null, address: '8.8.8.8', family: 4 });
    expect(await call(lookup, 'public.test', { family: 6 })).toEqual({ err: null, address: '2606:4700:4700::1111', family: 6 });
    expect((await call(lookup, 'public.test', { all: true })).address).toEqual([
      { address: '8.8.8.8', family: 4 },
      { address: '2606:4700:4700::1111', family: 6 },
    ]);
  });

  it("fails with address_not_allowed under 'public', resolves under 'any'", async () => {
    const refused = await call(guardedLookup('public', resolveHost), 'rebound.test', { all: true });
    expect(refused.err).toBeInstanceOf(RemoteAddressError);
    expect(refused.err).toMatchObject({ code: 'address_not_allowed', rule: 'private' });
    expect(await call(guardedLookup('any', resolveHost), 'rebound.test', {})).toEqual({ err: null, address: '192.168.0.10', family: 4 });
  });
});
