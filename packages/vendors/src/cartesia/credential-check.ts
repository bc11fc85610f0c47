import type { VendorCredentialCheck } from '../credential-check.ts';
import { checkVendorKey } from '../credential-check.ts';
import { CARTESIA_BASE_URL, CARTESIA_DEFAULT_VERSION } from './options.ts';

/**
 * Checks a Cartesia key: `GET {base}/voices` (the voice list), `X-API-Key: <key>` and
 * `Cartesia-Version` ({@link CARTESIA_DEFAULT_VERSION}), on the TTS endpoint's host (`wss` read as
 * `https`). 200 = valid; 401 = wrong key.
 */
export const checkCartesiaCredentials: VendorCredentialCheck = (options) =>
  checkVendorKey('cartesia', CARTESIA_BASE_URL, options, (apiKey) => ({ path: '/voices', headers: { 'x-api-key': apiKey, 'cartesia-version': CARTESIA_DEFAULT_VERSION } }));
