import type { z } from 'zod';
import { ApiError } from '../errors.ts';

/** An opaque page cursor: `value` as base64url JSON. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Reads a cursor made by {@link encodeCursor}; 400 `validation_failed` (`cursor: invalid cursor`) when it is not one of `schema`. */
export function decodeCursor<S extends z.ZodType>(schema: S, value: string): z.infer<S> {
  try {
    return schema.parse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
  } catch {
    throw new ApiError('validation_failed', 'cursor: invalid cursor');
  }
}
