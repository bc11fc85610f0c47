import { describe, expect, it } from 'vitest';
import { clientAddress, TrustedProxies } from './client-address.ts';

describe('clientAddress', () => {
  const none = new TrustedProxies([]);
  const lb = new TrustedProxies(['10.0.0.5', '172.16.0.0/12', 'fd00::/8']);

  it('is the TCP peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddress('::ffff:203.0.113.7', '198.51.100.1', none)).toBe('203.0.113.7');
    expect(clientAddress('203.0.113.7', undefined, lb)).toBe('203.0.113.7');
  });

  it('behind a trusted proxy: the nearest forwarded hop that is not itself trusted', () => {
    expect(clientAddress('10.0.0.5', '198.51.100.1', lb)).toBe('198.51.100.1');
    // A client-written hop on the left proves nothing: the proxy appended the real peer last.
    expect(clientAddress('::ffff:10.0.0.5', '1.2.3.4, 198.51.100.1', lb)).toBe('198.51.100.1');
    // Two trusted proxies in a row.
    expect(clientAddress('172.20.0.3', '198.51.100.1, 10.0.0.5', lb)).toBe('198.51.100.1');
    expect(clientAddress('fd00::1', ['198.51.100.9', 'fd12::7'], lb)).toBe('198.51.100.9');
  });

  it('a trusted peer without a usable header counts as itself; a malformed hop stops the walk', () => {
    expect(clientAddress('10.0.0.5', undefined, lb)).toBe('10.0.0.5');
    expect(clientAddress('10.0.0.5', '', lb)).toBe('10.0.0.5');
    expect(clientAddress('10.0.0.5', '198.51.100.1, not-an-ip', lb)).toBe('10.0.0.5');
  });

  it('refuses entries that are not addresses or CIDR ranges, naming them', () => {
    expect(() => new TrustedProxies(['10.0.0.0/33'])).toThrow(/10\.0\.0\.0\/33/);
    expect(() => new TrustedProxies(['haproxy'])).toThrow(/haproxy/);
    expect(() => new TrustedProxies(['10.0.0.0/x'])).toThrow(TypeError);
    expect(new TrustedProxies(['::1', '192.168.0.0/16']).has('192.168.4.4')).toBe(true);
  });
});
