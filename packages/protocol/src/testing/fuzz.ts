/**
 * fast-check building blocks of the JSON fuzz suites (the control-plane's REST bodies, the provider
 * parsers, the media-edge's streams): unsafe text, big values spliced into JSON text, and
 * mutations of a JSON value (fields deleted, types swapped, huge strings, NUL and unpaired
 * surrogates, deep nesting, keys renamed) or of its text (cut, insert, replace). Each suite picks
 * its own strings, field names, weights and bounds; the mechanics live here once.
 */
import fc from 'fast-check';

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What {@link taint} puts into a string or key: NUL, unpaired surrogates, a pair cut in half. */
export const TAINTS: readonly string[] = ['\u0000', '\uD800', '\uDC00', '\uDBFF', '😀'.slice(0, 1), '😀'.slice(1)];

/** `text` with one of {@link TAINTS} inserted, both chosen by `pick`. */
export function taint(text: string, pick: number): string {
  const at = pick % (text.length + 1);
  return text.slice(0, at) + TAINTS[pick % TAINTS.length]! + text.slice(at);
}

/**
 * Text that breaks naive parsers and databases: random UTF-16 code units (lone surrogates
 * included), random strings of up to `maxLength` characters, or one of the suite's `nasty` strings.
 */
export function unsafeText(nasty: readonly string[], maxLength: number): fc.Arbitrary<string> {
  return fc.oneof(fc.string({ unit: 'binary', maxLength }), fc.string({ maxLength }), fc.constantFrom(...nasty));
}

/**
 * A big value, printed by fast-check as its short `label` (a counterexample holding 70 000
 * characters or 20 000 levels would not print). Mutations place a marker; {@link BigSplicer}
 * splices the value's JSON text in (deep nesting is beyond what `JSON.stringify` recurses into).
 */
export class Big {
  constructor(
    readonly label: string,
    readonly json: () => string,
  ) {}
  [fc.toStringMethod](): string {
    return this.label;
  }
}

/** A string of `minLength` to 70 000 copies of one of `chars`. */
export function hugeString(minLength: number, chars: readonly string[]): fc.Arbitrary<Big> {
  return fc
    .record({ n: fc.noBias(fc.integer({ min: minLength, max: 70_000 })), c: fc.constantFrom(...chars) })
    .map(({ n, c }) => new Big(`${JSON.stringify(c)}×${n}`, () => JSON.stringify(c.repeat(n))));
}

/** `[[[…leaf…]]]` or `{"a":{"a":…leaf…}}`, `minDepth` to 20 000 levels; `leaf` is JSON text. */
export function deepNesting(minDepth: number, leaf: string): fc.Arbitrary<Big> {
  return fc
    .record({ depth: fc.noBias(fc.integer({ min: minDepth, max: 20_000 })), object: fc.boolean() })
    .map(({ depth, object }) => new Big(`${object ? 'objects' : 'arrays'} nested ${depth} deep`, () => (object ? '{"a":'.repeat(depth) + leaf + '}'.repeat(depth) : '['.repeat(depth) + leaf + ']'.repeat(depth))));
}

/**
 * A value a mutation puts somewhere: a random JSON value, `text`, one of `numbers`, an empty or
 * scalar constant, a huge string or deep nesting (weights 3, 3, 2, 1, 1, 1).
 */
export function replacementValue(text: fc.Arbitrary<string>, numbers: readonly number[], huge: fc.Arbitrary<Big>, deep: fc.Arbitrary<Big>): fc.Arbitrary<Json | Big> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> },
    { weight: 3, arbitrary: text },
    { weight: 2, arbitrary: fc.constantFrom(...numbers) },
    { weight: 1, arbitrary: fc.constantFrom<Json>(null, true, false, [], {}) },
    { weight: 1, arbitrary: huge },
    { weight: 1, arbitrary: deep },
  );
}

/** Places {@link Big} values in a tree as markers and splices their JSON text into its serialization. */
export interface BigSplicer {
  /** A copy of `v`, or a marker standing for a {@link Big} value. */
  built(v: Json | Big): Json;
  /** JSON text of `value` with every marker replaced by its big value's JSON. Clears the markers. */
  serialize(value: Json): string;
}

const MARKER = '@@vr3-fuzz-big-';

/** A {@link BigSplicer} with no marker placed. */
export function bigSplicer(): BigSplicer {
  const placed: Big[] = [];
  return {
    built(v) {
      if (!(v instanceof Big)) return structuredClone(v);
      placed.push(v);
      return `${MARKER}${placed.length - 1}@@`;
    },
    serialize(value) {
      const text = JSON.stringify(value) ?? 'null';
      const out = text.replace(new RegExp(`"${MARKER}(\\d+)@@"`, 'g'), (_m, i: string) => placed[Number(i)]!.json());
      placed.length = 0;
      return out;
    },
  };
}

/** What a mutation does to the member it picks. */
export type MutationKind = 'delete' | 'replace' | 'wrap' | 'rename' | 'add' | 'taint';

/** A mutation: `pick` chooses a container of the tree, `member` one of its members. */
export interface MutationOp {
  op: MutationKind;
  pick: number;
  member: number;
  value: Json | Big;
  key: string;
}

/** Mutations drawn from `kinds` (repeat a kind to weight it), putting `value`s and `key`s. */
export function mutationOp(kinds: readonly MutationKind[], value: fc.Arbitrary<Json | Big>, key: fc.Arbitrary<string>): fc.Arbitrary<MutationOp> {
  return fc.record({ op: fc.constantFrom(...kinds), pick: fc.nat(), member: fc.nat(), value, key });
}

/** How {@link mutate} treats a few cases; each suite keeps the flavour its properties were written for. */
export interface MutateOptions {
  /** At most this many containers of the tree are candidates for a mutation. */
  maxContainers: number;
  /** `add` to an array: `'append'` pushes the value, `'overwrite'` replaces the member. */
  addToArray: 'append' | 'overwrite';
  /** `wrap` of an object member: always in an array, or alternately in an array and an object. */
  wrapMember: 'array' | 'array-or-object';
}

/** Every container in `root` (the root included), at most `max`. */
function containers(root: Json, max: number): Json[] {
  const out: Json[] = [];
  const stack: Json[] = [root];
  while (stack.length > 0 && out.length < max) {
    const v = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    out.push(v);
    stack.push(...(Array.isArray(v) ? v : Object.values(v)));
  }
  return out;
}

/** Sets `key` as an own data property (so `__proto__` is a key, not the prototype). */
const define = (obj: Record<string, Json>, key: string, value: Json): void => void Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });

/** A copy of `seed` with `ops` applied (each op picks a container of the current tree, then a member of it). */
export function mutate(seed: Json, ops: readonly MutationOp[], splicer: BigSplicer, options: MutateOptions): Json {
  const root = structuredClone(seed);
  for (const { op, pick, member, value: v, key } of ops) {
    // A copy: later ops edit the tree in place, and fast-check reuses its values while shrinking.
    const value = splicer.built(v);
    const all = containers(root, options.maxContainers);
    const target = all[pick % all.length]!;
    if (Array.isArray(target)) {
      const i = target.length === 0 ? 0 : member % target.length;
      const item = target[i];
      if (op === 'delete') target.splice(i, 1);
      else if (op === 'wrap') target[i] = [item ?? null];
      else if (op === 'taint') target[i] = taint(typeof item === 'string' ? item : '', member);
      else if (op === 'add' && options.addToArray === 'append') target.push(value);
      else target[i] = value;
      continue;
    }
    const obj = target as Record<string, Json>;
    const keys = Object.keys(obj);
    const k = keys.length === 0 ? key : keys[member % keys.length]!;
    // Own members only, read and written as data properties: a key named `__proto__` must never
    // reach Object.prototype (which would then be mutated as a container: prototype pollution of
    // the test process, and with it of the control-plane running in it).
    const current = Object.hasOwn(obj, k) ? (obj[k] ?? null) : null;
    if (op === 'taint' && typeof current === 'string' && member % 3 !== 0) define(obj, k, taint(current, member));
    else if (op === 'taint' || op === 'rename') {
      delete obj[k];
      define(obj, op === 'taint' ? taint(k, member) : key, current);
    } else if (op === 'delete') delete obj[k];
    else if (op === 'wrap') define(obj, k, options.wrapMember === 'array' || member % 2 === 0 ? [current] : { [key]: current });
    else if (op === 'add') define(obj, key, value);
    else define(obj, k, value);
  }
  return root;
}

/** Character-level damage to a text: where, what kind, and the text inserted or replacing. */
export interface TextDamage {
  at: number;
  kind: 'cut' | 'insert' | 'replace';
  text: string;
}

/** Damage inserting or replacing with `text`. */
export function textDamage(text: fc.Arbitrary<string>): fc.Arbitrary<TextDamage> {
  return fc.record({ at: fc.nat(), kind: fc.constantFrom('cut', 'insert', 'replace'), text });
}

/** `text` cut at, inserted into or with one character replaced at a position chosen by `d.at`. */
export function damage(text: string, d: TextDamage): string {
  const i = text.length === 0 ? 0 : d.at % text.length;
  if (d.kind === 'cut') return text.slice(0, i);
  if (d.kind === 'insert') return text.slice(0, i) + d.text + text.slice(i);
  return text.slice(0, i) + d.text + text.slice(i + 1);
}
