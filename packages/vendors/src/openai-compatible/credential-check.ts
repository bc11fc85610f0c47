import type { VendorCredentialCheck } from '../credential-check.ts';
import { checkVendorKey } from '../credential-check.ts';

/** The OpenAI API, when a credential names no `base_url`. */
export const OPENAI_API_BASE_URL = 'https://api.openai.com';

/**
 * Checks an `openai` key (OpenAI, or any OpenAI-compatible server at the credential's `base_url`,
 * which has no `/v1`; the Realtime engine's key too): `GET {base}/v1/models`,
 * `Authorization: Bearer <key>`. 200 = valid; 401 = wrong or revoked key.
 */
export const checkOpenAiCredentials: VendorCredentialCheck = (options) =>
  checkVendorKey('openai', OPENAI_API_BASE_URL, options, (apiKey) => ({ path: '/v1/models', headers: { authorization: `Bearer ${apiKey}` } }));
