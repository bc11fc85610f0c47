/**
 * The credentials check of every vendor a service credential may be for, by vendor name (the
 * names the control-plane stores). Each check lives in its vendor's folder.
 */
import { checkCartesiaCredentials } from './cartesia/credential-check.ts';
import type { VendorCredentialCheck } from './credential-check.ts';
import { checkDeepgramCredentials } from './deepgram/credential-check.ts';
import { checkElevenLabsCredentials } from './elevenlabs/credential-check.ts';
import { checkOpenAiCredentials } from './openai-compatible/credential-check.ts';

/** Vendor name → its credentials check. `openai` covers OpenAI-compatible servers and the Realtime engine's key. */
export const VENDOR_CREDENTIAL_CHECKS = Object.freeze({
  openai: checkOpenAiCredentials,
  deepgram: checkDeepgramCredentials,
  elevenlabs: checkElevenLabsCredentials,
  cartesia: checkCartesiaCredentials,
} as const satisfies Record<string, VendorCredentialCheck>);

/** A vendor with a credentials check. */
export type CheckableVendor = keyof typeof VENDOR_CREDENTIAL_CHECKS;
