import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ApiError } from '../errors.ts';

/** Shortest password accepted (characters). */
export const MIN_PASSWORD_LENGTH = 12;
/** Longest password accepted (characters): bounds the work one sign-in can ask for. */
export const MAX_PASSWORD_LENGTH = 256;

/**
 * scrypt cost of new hashes: N = 2^15, r = 8, p = 1 (32 MiB, tens of milliseconds a hash). Stored
 * with each hash, so raising them later leaves existing hashes verifiable.
 */
export const SCRYPT_PARAMS = Object.freeze({ N: 32_768, r: 8, p: 1 });
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** `scrypt$N$r$p$salt$hash`, salt and hash base64url. */
const HASH_FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([\w-]+)\$([\w-]+)$/;

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }, length: number): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * 422 `password_too_short` / `password_too_long` unless `password` has {@link MIN_PASSWORD_LENGTH}
 * to {@link MAX_PASSWORD_LENGTH} characters; `field` names it in the message (never the value).
 */
export function checkPasswordPolicy(password: string, field = 'password'): void {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) throw new ApiError('password_too_short', `${field} must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (length > MAX_PASSWORD_LENGTH) throw new ApiError('password_too_long', `${field} must be at most ${MAX_PASSWORD_LENGTH} characters`);
}

/** A salted scrypt hash of `password` in the stored format (`scrypt$N$r$p$salt$hash`). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, SCRYPT_PARAMS, KEY_BYTES);
  const { N, r, p } = SCRYPT_PARAMS;
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** A hash of no one's password: verified against when the email is unknown, so that costs the same. */
let decoy: Promise<string> | undefined;

/**
 * True when `password` matches `stored` (a {@link hashPassword} result), compared in constant time.
 * With `stored` null or malformed (unknown email, a user without a password) it still derives one
 * key of the same cost and answers false: the time taken does not tell whether the account exists.
 */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const match = stored ? HASH_FORMAT.exec(stored) : null;
  if (!match) {
    decoy ??= hashPassword(randomBytes(18).toString('base64url'));
    await verifyPassword(password, await decoy);
    return false;
  }
  const expected = Buffer.from(match[5]!, 'base64url');
  const params = { N: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  const actual = await derive(password, Buffer.from(match[4]!, 'base64url'), params, expected.length);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A random password for the bootstrap admin (24 characters, 144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
