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

/** U+FFFD REPLACEMENT CHARACTER: what {@link toSafeText} puts in place of each unsafe code unit. */
export const REPLACEMENT_CHARACTER = '\uFFFD';

/** A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
const UNSAFE_CODE_UNIT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * `value` with every NUL and every unpaired UTF-16 surrogate replaced by U+FFFD (as a UTF-8
 * decoder does with bytes it cannot read); `value` itself when it {@link isSafeText}. For text
 * worth keeping that the database cannot store as it is (run events a bot emitted).
 */
export function toSafeText(value: string): string {
  return isSafeText(value) ? value : value.replace(UNSAFE_CODE_UNIT, REPLACEMENT_CHARACTER);
}

/**
 * A JSON-like value with {@link toSafeText} applied to every string and object key, at any depth
 * (iterative); `value` itself when {@link findUnsafeText} finds nothing. Otherwise a copy: the
 * input is never changed. Two keys of one object that differ only in unsafe text become the same
 * key; the later one wins.
 */
export function toSafeJson<T>(value: T): T {
  if (findUnsafeText(value) === null) return value;
  const root: Record<string, unknown> = { value };
  // Each entry names a slot holding a value of the input, replaced in place by its safe copy.
  const stack: Array<[holder: Record<string | number, unknown>, key: string | number]> = [[root, 'value']];
  while (stack.length > 0) {
    const [holder, key] = stack.pop()!;
    const v = holder[key];
    if (typeof v === 'string') {
      holder[key] = toSafeText(v);
    } else if (Array.isArray(v)) {
      const copy: unknown[] = v.slice();
      holder[key] = copy;
      for (let i = 0; i < copy.length; i++) stack.push([copy as unknown as Record<number, unknown>, i]);
    } else if (v !== null && typeof v === 'object') {
      // fromEntries defines own properties: a `__proto__` key stays a key.
      const copy = Object.fromEntries(Object.entries(v).map(([k, item]) => [toSafeText(k), item]));
      holder[key] = copy;
      for (const k of Object.keys(copy)) stack.push([copy, k]);
    }
  }
  return root['value'] as T;
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
