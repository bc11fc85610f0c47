import { normalizeAccountId } from '../account-id.ts';
import type { TelephonySpec } from '../descriptor.ts';
import { exotelCheckCredentials, createExotelApiClient, EXOTEL_API_BASE_URL } from './api-client.ts';

/**
 * Exotel configurations: the account SID (`account_sid`), the API key and token. No transfer
 * target: closing the stream hands the call to the flow's next applet.
 */
export const exotelTelephony = Object.freeze<TelephonySpec>({
  defaultApiBaseUrl: EXOTEL_API_BASE_URL,
  accountField: 'account_sid',
  normalizeAccount: normalizeAccountId,
  credentialFields: Object.freeze(['api_key', 'api_token']),
  transferTarget: 'unused',
  checkCredentials: exotelCheckCredentials,
  createApiClient: ({ credentials, ...options }) =>
    createExotelApiClient({ ...options, apiKey: credentials['api_key'] ?? '', apiToken: credentials['api_token'] ?? '' }),
});
