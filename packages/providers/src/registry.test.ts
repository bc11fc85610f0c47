import { UNSUPPORTED_PROVIDERS } from '@vr3/protocol';
import { describe, expect, it } from 'vitest';
import type { ProviderDescriptor } from './descriptor.ts';
import { ProviderConfigError } from './errors.ts';
import { KNOWN_PROVIDERS, PROVIDER_DESCRIPTORS, PROVIDER_NAMES, UPGRADE_SIGNATURE_HEADERS, getProvider, isKnownProvider, isProviderName } from './registry.ts';

/** Everything missing or unusable in a descriptor, as short descriptions; empty when complete. */
function descriptorProblems(d: ProviderDescriptor): string[] {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9-]*$/.test(d.name)) problems.push('name is not a lower-case word');
  if (d.accountParams.length === 0) problems.push('no account parameter');
  if (typeof d.createStreamAdapter !== 'function') problems.push('no stream adapter');
  else if (d.createStreamAdapter().provider !== d.name) problems.push('stream adapter names another provider');
  const t = d.telephony as ProviderDescriptor['telephony'] | undefined;
  if (t === undefined) return [...problems, 'no telephony side'];
  if (!URL.canParse(t.defaultApiBaseUrl) || !t.defaultApiBaseUrl.startsWith('https://')) problems.push('default API base URL is not an https URL');
  if (!/^[a-z_]+$/.test(t.accountField)) problems.push('account field is not a REST field name');
  if (t.credentialFields.length === 0) problems.push('no credential field');
  if (typeof t.normalizeAccount !== 'function') problems.push('no account normalization');
  else if (!throwsConfigError(() => t.normalizeAccount(' '))) problems.push('a blank account is accepted');
  if (typeof t.createApiClient !== 'function') problems.push('no REST client factory');
  else {
    const credentials = Object.fromEntries(t.credentialFields.map((f) => [f, 'secret']));
    try {
      const client = t.createApiClient({ baseUrl: t.defaultApiBaseUrl, accountId: 'acct', credentials });
      if (typeof client.validateCall !== 'function') problems.push('REST client cannot validate calls');
    } catch {
      problems.push('REST client cannot be built from the credential fields');
    }
    if (!throwsConfigError(() => t.createApiClient({ baseUrl: t.defaultApiBaseUrl, accountId: 'acct', credentials: {} }))) problems.push('REST client built without credentials');
  }
  if (t.upgradeSignature !== undefined && !t.credentialFields.includes(t.upgradeSignature.credentialField)) problems.push('signature key is not a credential field');
  return problems;
}

function throwsConfigError(fn: () => unknown): boolean {
  try {
    fn();
    return false;
  } catch (err) {
    return err instanceof ProviderConfigError;
  }
}

describe('provider registry', () => {
  it('holds a complete descriptor for every registered provider', () => {
    for (const d of PROVIDER_DESCRIPTORS) expect(descriptorProblems(d), d.name).toEqual([]);
  });

  it('tells an incomplete descriptor apart (the check above can fail)', () => {
    const [base] = PROVIDER_DESCRIPTORS;
    const withoutTelephony = { ...base, telephony: undefined } as unknown as ProviderDescriptor;
    expect(descriptorProblems(withoutTelephony)).toEqual(['no telephony side']);
    const noCredentials = { ...base, telephony: { ...base.telephony, credentialFields: [], defaultApiBaseUrl: 'http://x' } };
    expect(descriptorProblems(noCredentials)).toEqual(expect.arrayContaining(['no credential field', 'default API base URL is not an https URL', 'REST client cannot be built from the credential fields']));
    const lenient = { ...base, telephony: { ...base.telephony, normalizeAccount: (s: string) => s } };
    expect(descriptorProblems(lenient)).toEqual(['a blank account is accepted']);
  });

  it('derives the name lists from the descriptors, unsupported names last', () => {
    expect(PROVIDER_NAMES).toEqual(PROVIDER_DESCRIPTORS.map((d) => d.name));
    expect(new Set(PROVIDER_NAMES).size).toBe(PROVIDER_NAMES.length);
    expect(KNOWN_PROVIDERS).toEqual([...PROVIDER_NAMES, ...UNSUPPORTED_PROVIDERS]);
    for (const name of UNSUPPORTED_PROVIDERS) {
      expect(isKnownProvider(name)).toBe(true);
      expect(isProviderName(name)).toBe(false);
    }
    expect(isKnownProvider('acme')).toBe(false);
    expect(UPGRADE_SIGNATURE_HEADERS).toEqual(['x-twilio-signature']);
  });

  it('finds providers by exact name only', () => {
    for (const name of PROVIDER_NAMES) expect(getProvider(name)?.name).toBe(name);
    for (const name of ['Cloudonix', 'TWILIO', 'telnyx', 'vonage', 'ari', '', 'constructor', '__proto__', 'toString']) {
      expect(getProvider(name), name).toBeUndefined();
      expect(isProviderName(name), name).toBe(false);
    }
  });
});
