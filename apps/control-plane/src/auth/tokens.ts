import { createHash, randomBytes } from 'node:crypto';

/** Prefix of session tokens (the `vr3_session` cookie's value). */
export const SESSION_TOKEN_PREFIX = 'vr3s_';
/** Prefix of invitation tokens. */
export const INVITATION_TOKEN_PREFIX = 'vr3i_';

/** A new random bearer secret: `prefix` + 43 base64url characters (256 bits). */
export function generateToken(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/**
 * SHA-256 hex of a token: the only form stored. Tokens are random and high-entropy, so no salt or
 * KDF is needed, and the lookup stays one indexed read.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
