/**
 * True when `value` nests objects and arrays more than `maxDepth` levels deep (a top-level object
 * or array is depth 1; scalars are depth 0). Iterative, and it stops at the first node past the
 * bound: cheap on small values, safe on a 64 KiB value nested 32 000 deep, which `JSON.parse`
 * accepts but every recursive step after it (`JSON.stringify`, deep clones, schema walks) would
 * overflow the stack on.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: Array<{ v: object; depth: number }> = [{ v: value, depth: 1 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!;
    if (depth > maxDepth) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push({ v: child as object, depth: depth + 1 });
    }
  }
  return false;
}
