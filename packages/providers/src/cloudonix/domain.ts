import { ProviderConfigError } from '../errors.ts';

/** Base URL of the Cloudonix REST API. */
export const CLOUDONIX_API_BASE_URL = 'https://api.cloudonix.io';

/** Suffix appended to a bare Cloudonix domain name (`acme` → `acme.cloudonix.net`). */
export const CLOUDONIX_DOMAIN_SUFFIX = '.cloudonix.net';

const LABEL = /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$/;
const NUMERIC_ID = /^[0-9]+$/;

/**
 * Canonical form of a Cloudonix domain, as found in the `Domain` query parameter, in
 * `start.accountSid`, or in a stored telephony configuration: trimmed, lower-cased, without a
 * trailing dot; a bare name without a dot gets `.cloudonix.net` appended (`Acme` →
 * `acme.cloudonix.net`). A purely numeric domain id (`12345`) is kept as it is: the Cloudonix API
 * accepts it wherever it accepts a name.
 *
 * @throws ProviderConfigError `invalid_domain` when the input is empty, longer than 253 characters,
 * or not a dot-separated list of DNS labels (letters, digits, `-`, `_`).
 */
export function normalizeCloudonixDomain(input: string): string {
  if (typeof input !== 'string') throw invalid();
  let domain = input.trim().toLowerCase();
  if (domain.endsWith('.')) domain = domain.slice(0, -1);
  if (domain === '' || domain.length > 253) throw invalid();
  if (NUMERIC_ID.test(domain)) return domain;
  if (!domain.includes('.')) domain += CLOUDONIX_DOMAIN_SUFFIX;
  if (domain.length > 253) throw invalid();
  for (const label of domain.split('.')) {
    if (!LABEL.test(label)) throw invalid();
  }
  return domain;
}

function invalid(): ProviderConfigError {
  // The input is not echoed: it comes from a URL query string.
  return new ProviderConfigError('invalid_domain', 'Cloudonix domain is empty or not a valid domain name');
}
