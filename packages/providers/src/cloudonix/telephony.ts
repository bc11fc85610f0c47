import type { TelephonySpec } from '../descriptor.ts';
import { cloudonixCheckCredentials, createCloudonixApiClient } from './api-client.ts';
import { CLOUDONIX_API_BASE_URL, normalizeCloudonixDomain } from './domain.ts';

/** Cloudonix configurations: the domain (`domain_id`) and its API key (`bearer_token`). */
export const cloudonixTelephony = Object.freeze<TelephonySpec>({
  defaultApiBaseUrl: CLOUDONIX_API_BASE_URL,
  accountField: 'domain_id',
  normalizeAccount: normalizeCloudonixDomain,
  credentialFields: Object.freeze(['bearer_token']),
  transferTarget: 'required',
  credentialsFlagAlias: 'has_bearer_token',
  checkCredentials: cloudonixCheckCredentials,
  createApiClient: ({ credentials, ...options }) => createCloudonixApiClient({ ...options, bearerToken: credentials['bearer_token'] ?? '' }),
});
