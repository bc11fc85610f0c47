import type { VendorCredentialCheck } from '../credential-check.ts';
import { checkVendorKey } from '../credential-check.ts';
import { ELEVENLABS_BASE_URL } from './options.ts';

/**
 * Checks an ElevenLabs key: `GET {base}/v1/user` (the key's user), `xi-api-key: <key>`, on the TTS
 * endpoint's host (`wss` read as `https`). 200 = valid; 401 = wrong key (or one without the
 * `user_read` permission).
 */
export const checkElevenLabsCredentials: VendorCredentialCheck = (options) =>
  checkVendorKey('elevenlabs', ELEVENLABS_BASE_URL, options, (apiKey) => ({ path: '/v1/user', headers: { 'xi-api-key': apiKey } }));
