import { normalizeAccountId } from '../account-id.ts';
import type { TelephonySpec } from '../descriptor.ts';
import { twilioCheckCredentials, createTwilioApiClient, TWILIO_API_BASE_URL } from './api-client.ts';
import { TWILIO_SIGNATURE_HEADER, verifyTwilioSignature } from './signature.ts';

/**
 * Twilio configurations: the account SID (`account_sid`) and auth token, which also signs stream
 * upgrade requests (`X-Twilio-Signature`, a GET: no parameters).
 */
export const twilioTelephony = Object.freeze<TelephonySpec>({
  defaultApiBaseUrl: TWILIO_API_BASE_URL,
  accountField: 'account_sid',
  normalizeAccount: normalizeAccountId,
  credentialFields: Object.freeze(['auth_token']),
  transferTarget: 'required',
  checkCredentials: twilioCheckCredentials,
  createApiClient: ({ credentials, accountId, ...options }) => createTwilioApiClient({ ...options, accountSid: accountId, authToken: credentials['auth_token'] ?? '' }),
  upgradeSignature: Object.freeze({
    header: TWILIO_SIGNATURE_HEADER,
    label: 'X-Twilio-Signature',
    credentialField: 'auth_token',
    verify: (url: string, signature: string, secret: string): boolean => verifyTwilioSignature(url, {}, signature, secret),
  }),
});
