import { describe, expect, it } from 'vitest';
import { SharedReads } from './shared-reads.ts';

/** A load that settles when told to, counting its calls. */
function deferredLoads<T>() {
  const calls: Array<{ resolve(value: T): void; reject(err: unknown): void }> = [];
  const load = () => new Promise<T>((resolve, reject) => calls.push({ resolve, reject }));
  return { calls, load };
}

describe('SharedReads', () => {
  it('gives callers of a key in flight the one answer of its statement', async () => {
    const reads = new SharedReads<number>();
    const { calls, load } = deferredLoads<number>();
    const answers = Promise.all([reads.read('a', load), reads.read('a', load), reads.read('a', load)]);
    expect(calls).toHaveLength(1);
    expect(reads.size).toBe(1);
    calls[0]!.resolve(7);
    expect(await answers).toEqual([7, 7, 7]);
    expect(reads.size).toBe(0);
  });

  it('runs a statement per key, and a new one once the shared one settled', async () => {
    const reads = new SharedReads<string>();
    const { calls, load } = deferredLoads<string>();
    const a = reads.read('a', load);
    const b = reads.read('b', load);
    expect(calls).toHaveLength(2);
    calls[0]!.resolve('first a');
    calls[1]!.resolve('b');
    expect([await a, await b]).toEqual(['first a', 'b']);
    const again = reads.read('a', load);
    expect(calls).toHaveLength(3);
    calls[2]!.resolve('second a');
    expect(await again).toBe('second a');
  });

  it('hands a failure to every caller sharing it, and the next read tries again', async () => {
    const reads = new SharedReads<number>();
    const { calls, load } = deferredLoads<number>();
    const first = reads.read('a', load);
    const second = reads.read('a', load);
    calls[0]!.reject(new Error('connection lost'));
    await expect(first).rejects.toThrow('connection lost');
    await expect(second).rejects.toThrow('connection lost');
    const retry = reads.read('a', load);
    expect(calls).toHaveLength(2);
    calls[1]!.resolve(1);
    expect(await retry).toBe(1);
  });
});
