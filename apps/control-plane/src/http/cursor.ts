import { z } from 'zod';
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

/** The query of a paged list: `limit` (1…`max`, decimal digits) and an opaque `cursor`. */
export function pageQuery(max: number) {
  return z.object({
    limit: z
      .string()
      .regex(/^\d+$/, 'must be an integer')
      .transform(Number)
      .pipe(z.number().int().min(1).max(max))
      .optional(),
    cursor: z.string().min(1).optional(),
  });
}

/** Position after the last row of a page ordered newest first: its creation time and id. */
export const TimeCursor = z.object({ t: z.iso.datetime(), i: z.string().min(1) });
/** A decoded {@link TimeCursor}. */
export type TimeCursor = z.infer<typeof TimeCursor>;

/** A row's place in newest-first order. */
export interface TimePosition {
  createdAt: Date;
  id: string;
}

/** Where the page of a `cursor` query parameter starts (undefined: the first page); 400 for a bad cursor. */
export function timeCursorPosition(cursor: string | undefined): TimePosition | undefined {
  if (cursor === undefined) return undefined;
  const { t, i } = decodeCursor(TimeCursor, cursor);
  return { createdAt: new Date(t), id: i };
}

/** The cursor of the page after `last` (newest-first order). */
export function timeCursorAfter(last: { createdAt: Date; id: string }): string {
  return encodeCursor({ t: last.createdAt.toISOString(), i: last.id } satisfies TimeCursor);
}
