import { describe, expect, it } from 'vitest';
import { ProviderConfigError } from '../errors.ts';
import { CLOUDONIX_API_BASE_URL, normalizeCloudonixDomain } from './domain.ts';

describe('normalizeCloudonixDomain', () => {
  it.each([
    ['acme', 'acme.cloudonix.net'],
    ['  Acme  ', 'acme.cloudonix.net'],
    ['ACME.cloudonix.net', 'acme.cloudonix.net'],
    ['acme.cloudonix.net.', 'acme.cloudonix.net'],
    ['acme.', 'acme.cloudonix.net'],
    ['sip.example.com', 'sip.example.com'],
    ['my-domain_1', 'my-domain_1.cloudonix.net'],
    ['12345', '12345'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeCloudonixDomain(input)).toBe(expected);
    // Idempotent.
    expect(normalizeCloudonixDomain(expected)).toBe(expected);
  });

  it.each(['', '   ', '.', 'a..b', '.acme', 'acme/x', 'acme?x', 'ac me', '-acme', 'acme-', 'https://acme.cloudonix.net', `${'a'.repeat(64)}`, `${'a.'.repeat(127)}a`])(
    'rejects %j with invalid_domain',
    (input) => {
      expect(() => normalizeCloudonixDomain(input)).toThrow(ProviderConfigError);
      expect(() => normalizeCloudonixDomain(input)).toThrow(expect.objectContaining({ code: 'invalid_domain' }));
    },
  );

  it('does not echo the input in the error message', () => {
    expect(() => normalizeCloudonixDomain('secret value/with slash')).toThrow(expect.not.objectContaining({ message: expect.stringContaining('secret') }));
  });

  it('exposes the API base URL', () => {
    expect(CLOUDONIX_API_BASE_URL).toBe('https://api.cloudonix.io');
  });
});
