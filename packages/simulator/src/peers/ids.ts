import { randomBytes } from 'node:crypto';

/** `bytes` random bytes as lower-case hex. */
export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
