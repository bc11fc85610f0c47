import type { VendorCredentialCheck } from '../credential-check.ts';
import { checkVendorKey } from '../credential-check.ts';
import { DEEPGRAM_BASE_URL } from './options.ts';

/**
 * Checks a Deepgram key: `GET {base}/v1/projects` (the projects the key can see),
 * `Authorization: Token <key>`, on the live endpoint's host (`wss` read as `https`). 200 = valid;
 * 401/403 = wrong key or one without access.
 */
export const checkDeepgramCredentials: VendorCredentialCheck = (options) =>
  checkVendorKey('deepgram', DEEPGRAM_BASE_URL, options, (apiKey) => ({ path: '/v1/projects', headers: { authorization: `Token ${apiKey}` } }));
