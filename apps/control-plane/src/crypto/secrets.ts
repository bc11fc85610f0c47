import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretError, SecretErrorCode } from '../errors.ts';

/** Bytes of an AES-256 key. */
export const SECRET_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Version prefix of sealed values: `v1.<iv>.<tag>.<ciphertext>`, base64url parts, AES-256-GCM. */
const VERSION = 'v1';

/**
 * Parses a 32-byte secret key given as hex (64 characters) or base64 / base64url (44 or 43 characters).
 * Throws `SecretError(invalid_secret_key)` otherwise; the message never echoes the value.
 */
export function parseSecretKey(value: string): Buffer {
  const text = value.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(text)) key = Buffer.from(text, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(text)) key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (!key || key.length !== SECRET_KEY_BYTES) {
    throw new SecretError(SecretErrorCode.InvalidKey, 'secret key must be 32 bytes, hex or base64 encoded');
  }
  return key;
}

function assertKey(key: Buffer): void {
  if (key.length !== SECRET_KEY_BYTES) throw new SecretError(SecretErrorCode.InvalidKey, 'secret key must be 32 bytes');
}

/**
 * Encrypts `plaintext` with AES-256-GCM under `key` and a fresh random IV. `context` (e.g. the
 * configuration id) is bound as additional authenticated data: a value copied to another row fails.
 */
export function sealSecret(key: Buffer, plaintext: string, context = ''): string {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(`${VERSION}:${context}`, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
}

/** Decrypts a value made by {@link sealSecret}; throws `SecretError(secret_unreadable)` when it was altered or the key differs. */
export function openSecret(key: Buffer, sealed: string, context = ''): string {
  assertKey(key);
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) {
    throw new SecretError(SecretErrorCode.Unreadable, 'sealed secret has an unknown format');
  }
  const iv = Buffer.from(parts[1]!, 'base64url');
  const tag = Buffer.from(parts[2]!, 'base64url');
  const ciphertext = Buffer.from(parts[3]!, 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new SecretError(SecretErrorCode.Unreadable, 'sealed secret has an unknown format');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(`${VERSION}:${context}`, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch (err) {
    throw new SecretError(SecretErrorCode.Unreadable, 'sealed secret failed authentication', { cause: err });
  }
}
