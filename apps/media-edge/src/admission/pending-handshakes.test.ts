import { describe, expect, it } from 'vitest';
import { PendingHandshakes, sourceAddress } from './pending-handshakes.ts';

function gauge() {
  const g = { value: 0, inc: () => void g.value++, dec: () => void g.value-- };
  return g;
}

describe('PendingHandshakes', () => {
  it('counts up to the bound per address, then refuses without counting', () => {
    const g = gauge();
    const pending = new PendingHandshakes(2, g);
    expect(pending.acquire('192.0.2.1')).toBeTypeOf('function');
    expect(pending.acquire('192.0.2.1')).toBeTypeOf('function');
    expect(pending.acquire('192.0.2.1')).toBeNull();
    expect(pending.count('192.0.2.1')).toBe(2);
    expect(pending.total).toBe(2);
    expect(g.value).toBe(2);
  });

  it('counts each address apart', () => {
    const pending = new PendingHandshakes(1);
    expect(pending.acquire('192.0.2.1')).not.toBeNull();
    expect(pending.acquire('192.0.2.2')).not.toBeNull();
    expect(pending.acquire('2001:db8::1')).not.toBeNull();
    expect(pending.acquire('192.0.2.1')).toBeNull();
    expect(pending.addresses).toBe(3);
    expect(pending.total).toBe(3);
  });

  it('a release frees one slot, only once however often it is called', () => {
    const g = gauge();
    const pending = new PendingHandshakes(2, g);
    const a = pending.acquire('192.0.2.1')!;
    pending.acquire('192.0.2.1');
    a();
    a();
    a();
    expect(pending.count('192.0.2.1')).toBe(1);
    expect(pending.total).toBe(1);
    expect(g.value).toBe(1);
    expect(pending.acquire('192.0.2.1')).not.toBeNull();
    expect(pending.acquire('192.0.2.1')).toBeNull();
  });

  it('forgets an address once its count is back to zero (no entry per address ever seen)', () => {
    const g = gauge();
    const pending = new PendingHandshakes(4, g);
    const releases = [];
    for (let i = 0; i < 1000; i++) {
      const address = `10.0.${i >> 8}.${i & 255}`;
      releases.push(pending.acquire(address)!, pending.acquire(address)!);
    }
    expect(pending.addresses).toBe(1000);
    expect(pending.total).toBe(2000);
    for (const release of releases) release();
    expect(pending.addresses).toBe(0);
    expect(pending.total).toBe(0);
    expect(g.value).toBe(0);
  });
});

describe('sourceAddress', () => {
  it.each([
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['::FFFF:192.0.2.7', '192.0.2.7'],
    ['192.0.2.7', '192.0.2.7'],
    ['::1', '::1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['::ffff:c000:207', '::ffff:c000:207'],
    [undefined, 'unknown'],
  ])('%s → %s', (raw, key) => {
    expect(sourceAddress(raw)).toBe(key);
  });

  it('one IPv4 peer counts under one key whether reported mapped or not', () => {
    const pending = new PendingHandshakes(1);
    expect(pending.acquire(sourceAddress('::ffff:198.51.100.4'))).not.toBeNull();
    expect(pending.acquire(sourceAddress('198.51.100.4'))).toBeNull();
  });
});
