import { createHash, randomBytes } from 'node:crypto';

/** Every API key this product mints starts with this. */
export const API_KEY_PREFIX = 'vr3_';
/** Characters of a key kept in clear (`prefix` column) so an operator can recognise it. */
const DISPLAY_PREFIX_CHARS = 12;

/** A new random API key: `vr3_` + 32 base62-ish characters (192 bits of entropy). */
export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(24).toString('base64url')}`;
}

/** SHA-256 hex of the key: the only form stored. Keys are high-entropy, so no salt or KDF is needed. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The short clear-text prefix stored next to the hash. */
export function apiKeyDisplayPrefix(key: string): string {
  return key.slice(0, DISPLAY_PREFIX_CHARS);
}
