import { afterEach, describe, expect, it } from 'vitest';
import { bigSplicer, mutate, type Json, type MutationOp } from './fuzz.ts';

afterEach(() => {
  // Should a regression pollute Object.prototype, leave the rest of this process clean.
  delete (Object.prototype as Record<string, unknown>)['polluted'];
});

describe('mutate', () => {
  it('never reaches Object.prototype through a `__proto__` key', () => {
    // An empty object's member named `__proto__` read (inherited: Object.prototype) and moved under
    // a new own key, after which Object.prototype would be a container the next op mutates.
    const seed: Json = { a: {} };
    const ops: MutationOp[] = [
      { op: 'taint', pick: 1, member: 0, value: null, key: '__proto__' },
      { op: 'add', pick: 2, member: 0, value: { polluted: true }, key: 'polluted' },
    ];
    mutate(seed, ops, bigSplicer(), { maxContainers: 200, addToArray: 'append', wrapMember: 'array-or-object' });
    const inherited: string[] = [];
    for (const k in {}) inherited.push(k);
    expect(inherited).toEqual([]);
  });
});
