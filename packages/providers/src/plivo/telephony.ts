import { normalizeAccountId } from '../account-id.ts';
import type { TelephonySpec } from '../descriptor.ts';
import { plivoCheckCredentials, createPlivoApiClient, PLIVO_API_BASE_URL } from './api-client.ts';

/** Plivo configurations: the auth id (`auth_id`) and auth token. */
export const plivoTelephony = Object.freeze<TelephonySpec>({
  defaultApiBaseUrl: PLIVO_API_BASE_URL,
  accountField: 'auth_id',
  normalizeAccount: normalizeAccountId,
  credentialFields: Object.freeze(['auth_token']),
  transferTarget: 'required',
  checkCredentials: plivoCheckCredentials,
  createApiClient: ({ credentials, accountId, ...options }) => createPlivoApiClient({ ...options, authId: accountId, authToken: credentials['auth_token'] ?? '' }),
});
