import { normalizeAccountId } from '../account-id.ts';
import type { TelephonySpec } from '../descriptor.ts';
import { vobizCheckCredentials, createVobizApiClient, VOBIZ_API_BASE_URL } from './api-client.ts';

/** Vobiz configurations: the auth id (`auth_id`) and auth token. */
export const vobizTelephony = Object.freeze<TelephonySpec>({
  defaultApiBaseUrl: VOBIZ_API_BASE_URL,
  accountField: 'auth_id',
  normalizeAccount: normalizeAccountId,
  credentialFields: Object.freeze(['auth_token']),
  transferTarget: 'required',
  checkCredentials: vobizCheckCredentials,
  createApiClient: ({ credentials, accountId, ...options }) => createVobizApiClient({ ...options, authId: accountId, authToken: credentials['auth_token'] ?? '' }),
});
