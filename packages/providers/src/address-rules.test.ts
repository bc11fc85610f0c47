import { describe, expect, it } from 'vitest';
import { addressRuleOf, hostNameRuleOf, ipLiteralOf } from './address-rules.ts';

describe('addressRuleOf', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fec0::1', 'private'],
    ['169.254.0.1', 'link_local'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['febf::1', 'link_local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['255.255.255.255', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'],
    // IPv4 inside IPv6: mapped, compatible, NAT64, 6to4.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['64:ff9b::192.168.0.1', 'private'],
    ['64:ff9b:1::1', 'private'],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:0a00:0001::1', 'private'],
  ])('%s → %s', (address, rule) => {
    expect(addressRuleOf(address)).toBe(rule);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.215.14', '172.15.255.255', '172.32.0.1', '100.63.255.255', '100.128.0.1', '169.253.1.1', '2606:4700:4700::1111', '2a00:1450:4001::200e', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:0808:0808::1'])(
    '%s is public',
    (address) => {
      expect(addressRuleOf(address)).toBeUndefined();
    },
  );

  it('throws for something that is not an IP address', () => {
    expect(() => addressRuleOf('example.com')).toThrow(TypeError);
  });
});

describe('hostNameRuleOf / ipLiteralOf', () => {
  it('refuses localhost and metadata names whatever their case or trailing dot', () => {
    for (const name of ['localhost', 'LOCALHOST.', 'api.localhost']) expect(hostNameRuleOf(name)).toBe('loopback');
    for (const name of ['metadata.google.internal', 'Metadata.Google.Internal.', 'metadata', 'instance-data.ec2.internal']) expect(hostNameRuleOf(name)).toBe('metadata');
    for (const name of ['api.cloudonix.io', 'localhost.example.com', 'metadata.example.com']) expect(hostNameRuleOf(name)).toBeUndefined();
  });

  it('recognizes IP literals as URL.hostname gives them', () => {
    expect(ipLiteralOf(new URL('https://[::1]:8443/x').hostname)).toBe('::1');
    expect(ipLiteralOf(new URL('https://2130706433/').hostname)).toBe('127.0.0.1');
    expect(ipLiteralOf(new URL('https://0x7f.1/').hostname)).toBe('127.0.0.1');
    expect(ipLiteralOf('api.example.com')).toBeUndefined();
  });
});
