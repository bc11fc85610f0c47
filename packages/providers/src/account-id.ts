import { ProviderConfigError } from './errors.ts';

const ACCOUNT_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/**
 * Canonical form of an account identifier that is not a Cloudonix domain (Exotel and Twilio
 * account SIDs, Vobiz and Plivo auth ids), as found in `start`, in an `AccountSid`/`AuthId` query
 * parameter, or in a stored configuration: trimmed, case kept (these ids are case-sensitive).
 *
 * @throws ProviderConfigError `invalid_account_id` when empty, longer than 128 characters or not made
 * of letters, digits and `_ . : -`. The input is never echoed (it may come from a URL).
 */
export function normalizeAccountId(input: string): string {
  const id = typeof input === 'string' ? input.trim() : '';
  if (!ACCOUNT_ID.test(id)) {
    throw new ProviderConfigError('invalid_account_id', 'account id is empty or not a valid identifier');
  }
  return id;
}
