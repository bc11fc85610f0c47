import { findUnsafeText, nestsDeeperThan, UNSAFE_TEXT_MESSAGE, type UnsafeTextHit } from '@vr3/protocol';
import type { NextFunction, Request, Response } from 'express';
import { ApiError } from '../errors.ts';

/**
 * Deepest nesting of objects and arrays accepted in a JSON body (the body itself is depth 1). The
 * deepest documented body nests 3 levels (`engine.headers.X`); a 64 KiB body can nest 32 000 deep,
 * which overflows the stack of the recursive steps after parsing (engine secret handling, JSON
 * columns).
 */
export const MAX_BODY_DEPTH = 32;

/** Longest path named in a refusal, in characters (longer ones are cut with `…`). */
const MAX_NAMED_PATH = 200;

/** `a.b.0.c` (`root` when empty), cut to {@link MAX_NAMED_PATH} characters without splitting one. */
function named(root: string, path: ReadonlyArray<string | number>): string {
  const chars = Array.from(path.length === 0 ? root : path.join('.'));
  return chars.length <= MAX_NAMED_PATH ? chars.join('') : `${chars.slice(0, MAX_NAMED_PATH).join('')}…`;
}

function refusal(root: string, hit: UnsafeTextHit): ApiError {
  const where = named(root, hit.path);
  return new ApiError('validation_failed', hit.at === 'key' ? `${where}: a key ${UNSAFE_TEXT_MESSAGE}` : `${where}: ${UNSAFE_TEXT_MESSAGE}`);
}

/**
 * Refuses request text the database cannot store — NUL (U+0000) or an unpaired UTF-16 surrogate —
 * and bodies nested deeper than {@link MAX_BODY_DEPTH}, before any route reads them: 400
 * `validation_failed` naming where the text is, never quoting it.
 * - the JSON body: any nested string value (`engine.headers.X-Key: …`) or object key (`engine.headers: a key …`);
 * - the query string (`query.agent_uuid: …`);
 * - the path, whose segments must also be valid percent-encoded UTF-8 (`path: …`).
 * Mount it right after the JSON body parser.
 */
export function textGuard(req: Request, _res: Response, next: NextFunction): void {
  if (nestsDeeperThan(req.body, MAX_BODY_DEPTH)) return next(new ApiError('validation_failed', `body: nested deeper than ${MAX_BODY_DEPTH} levels`));
  const body = findUnsafeText(req.body);
  if (body) return next(refusal('body', body));
  const query = findUnsafeText(req.query);
  if (query) return next(refusal('query', { ...query, path: ['query', ...query.path] }));
  for (const segment of req.path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return next(new ApiError('validation_failed', 'path: invalid percent-encoding'));
    }
    if (findUnsafeText(decoded)) return next(new ApiError('validation_failed', `path: ${UNSAFE_TEXT_MESSAGE}`));
  }
  next();
}
