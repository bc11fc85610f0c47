import { z } from 'zod';

/**
 * Text from the network that PostgreSQL cannot store: a NUL (U+0000) is refused by `text` and
 * `jsonb`, and an unpaired UTF-16 surrogate has no UTF-8 encoding (`jsonb` refuses its `\uD800`
 * escape). Such text is refused where it enters (REST bodies, stream URLs, provider `start`) and
 * again by the bus schemas that use {@link SafeTextSchema} / {@link safeJson}.
 */

/** Message of every unsafe-text refusal. Never quotes the value. */
export const UNSAFE_TEXT_MESSAGE = 'contains NUL or an unpaired UTF-16 surrogate';

/** `params` key marking a zod issue raised by {@link SafeTextSchema} or {@link safeJson}. */
export const UNSAFE_TEXT_ISSUE = 'vr3_unsafe_text';

/** True when `value` holds no NUL and no unpaired UTF-16 surrogate. */
export function isSafeText(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0) return false;
    if (c < 0xd800 || c > 0xdfff) continue;
    // A high surrogate must be followed by a low one; a low one is never first.
    if (c > 0xdbff) return false;
    const next = value.charCodeAt(i + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
    i++;
  }
  return true;
}

/** Where {@link findUnsafeText} found unsafe text. */
export interface UnsafeTextHit {
  /** Keys and array indexes from the root to the string, or to the object holding the key. */
  path: Array<string | number>;
  /** `value`: the string at `path`; `key`: one of the keys of the object at `path`. */
  at: 'value' | 'key';
}

/**
 * The first string value or object key in a JSON-like value (objects, arrays, strings, numbers,
 * booleans, null) that is not {@link isSafeText}, or `null` when there is none. A bad key is reported
 * at the path of its object, so the path never contains unsafe text itself. Iterative: any nesting
 * depth is walked without recursion.
 */
export function findUnsafeText(value: unknown): UnsafeTextHit | null {
  // Each node links to its parent: the path is built only for a hit, so deep nesting stays linear.
  const stack: Node[] = [{ value, key: undefined, parent: null }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const v = node.value;
    if (typeof v === 'string') {
      if (!isSafeText(v)) return { path: pathOf(node), at: 'value' };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], key: i, parent: node });
      continue;
    }
    const keys = Object.keys(v);
    for (const key of keys) if (!isSafeText(key)) return { path: pathOf(node), at: 'key' };
    for (let i = keys.length - 1; i >= 0; i--) stack.push({ value: (v as Record<string, unknown>)[keys[i]!], key: keys[i], parent: node });
  }
  return null;
}

interface Node {
  value: unknown;
  key: string | number | undefined;
  parent: Node | null;
}

function pathOf(node: Node): Array<string | number> {
  const path: Array<string | number> = [];
  for (let n: Node | null = node; n !== null && n.key !== undefined; n = n.parent) path.push(n.key);
  return path.reverse();
}

const issue = { message: UNSAFE_TEXT_MESSAGE, params: { [UNSAFE_TEXT_ISSUE]: true } } as const;

/** A string that {@link isSafeText}: the type of every stream metadata string on the bus. */
export const SafeTextSchema = z.string().refine(isSafeText, issue);

/**
 * `schema`, refined so that no string or key anywhere in its value is unsafe text ({@link findUnsafeText}):
 * for records and free-form JSON (`custom_parameters`, `metadata`, the stream URL's query).
 */
export function safeJson<S extends z.ZodType>(schema: S): S {
  return schema.superRefine((value, ctx) => {
    const hit = findUnsafeText(value);
    if (hit) ctx.addIssue({ code: 'custom', path: hit.path, ...issue });
  });
}

/** True for a zod issue raised by {@link SafeTextSchema} or {@link safeJson}. */
export function isUnsafeTextIssue(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'custom' && issue.params?.[UNSAFE_TEXT_ISSUE] === true;
}
