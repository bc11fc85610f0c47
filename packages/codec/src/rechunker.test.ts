import { describe, expect, it } from 'vitest';
import { Rechunker } from './rechunker.ts';

function bytes(start: number, length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (start + i) & 0xff);
}

/** Deterministic pseudo-random chunk sizes in [0, max]. */
function* chunkSizes(seed: number, max: number): Generator<number> {
  let s = seed;
  for (;;) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    yield s % (max + 1);
  }
}

describe('Rechunker', () => {
  it('emits exact frames across arbitrary chunk boundaries', () => {
    for (const [frameBytes, maxChunk] of [
      [160, 37],
      [160, 500],
      [320, 321],
      [1, 5],
      [7, 20],
    ] as const) {
      const input = bytes(3, 10_000);
      const r = new Rechunker(frameBytes);
      const out: Buffer[] = [];
      const sizes = chunkSizes(frameBytes * 31 + maxChunk, maxChunk);
      for (let offset = 0; offset < input.length; ) {
        const size = sizes.next().value as number;
        const chunk = input.slice(offset, offset + size);
        const frames = r.write(chunk);
        for (const f of frames) expect(f.length).toBe(frameBytes);
        out.push(...frames);
        offset += chunk.length;
        expect(r.buffered).toBe(offset % frameBytes);
      }
      const tail = r.flush();
      expect(out.length).toBe(Math.floor(input.length / frameBytes));
      expect(Buffer.concat([...out, ...(tail ? [tail] : [])]).equals(Buffer.from(input))).toBe(true);
      expect(r.dropped).toBe(0);
    }
  });

  it('returns views of the chunk for frames inside it and copies for frames spanning chunks', () => {
    const r = new Rechunker(4);
    const first = bytes(0, 6);
    const [a] = r.write(first);
    expect(a!.buffer).toBe(first.buffer);
    const second = bytes(6, 6);
    const [b, c] = r.write(second);
    expect(Array.from(b!)).toEqual([4, 5, 6, 7]);
    expect(b!.buffer).not.toBe(second.buffer);
    expect(Array.from(c!)).toEqual([8, 9, 10, 11]);
    // The spanning frame is not clobbered by later writes reusing the internal carry.
    r.write(Uint8Array.of(0xaa, 0xbb, 0xcc));
    expect(Array.from(b!)).toEqual([4, 5, 6, 7]);
  });

  it('handles chunks at unaligned offsets of a larger buffer', () => {
    const backing = bytes(0, 64);
    const r = new Rechunker(8);
    const frames = r.write(backing.subarray(3, 3 + 20));
    expect(frames.map((f) => Array.from(f))).toEqual([Array.from(bytes(3, 8)), Array.from(bytes(11, 8))]);
    expect(r.buffered).toBe(4);
  });

  it('flushes the remainder, padded to a multiple of padTo', () => {
    const r = new Rechunker(160);
    expect(r.write(bytes(0, 170)).length).toBe(1);
    const tail = r.flush({ padTo: 160, padByte: 0xff })!;
    expect(tail.length).toBe(160);
    expect(Array.from(tail.subarray(0, 10))).toEqual(Array.from(bytes(160, 10)));
    expect(tail.subarray(10).every((b) => b === 0xff)).toBe(true);
    expect(r.buffered).toBe(0);
    expect(r.flush()).toBeNull();

    r.write(bytes(0, 5));
    const even = r.flush({ padTo: 2 })!;
    expect(Array.from(even)).toEqual([0, 1, 2, 3, 4, 0]);

    r.write(bytes(9, 3));
    expect(Array.from(r.flush()!)).toEqual([9, 10, 11]);
    expect(r.flush({ padTo: 160, padByte: 0xff })).toBeNull();
  });

  it('drops the oldest whole frames when the bound is exceeded, keeping frame boundaries', () => {
    const r = new Rechunker(4, { maxBufferedBytes: 8 });
    // Stream frames: [0-3][4-7][8-11][12-15][16-…]
    expect(r.write(bytes(0, 10)).map((f) => Array.from(f))).toEqual([[4, 5, 6, 7]]);
    expect(r.dropped).toBe(4);
    expect(r.buffered).toBe(2);
    // 2 carried + 7 new = 9 > 8: the carried bytes and the first 2 new ones (one frame) go.
    expect(r.write(bytes(10, 7)).map((f) => Array.from(f))).toEqual([[12, 13, 14, 15]]);
    expect(r.dropped).toBe(8);
    expect(Array.from(r.flush()!)).toEqual([16]);
  });

  it('accounts for every byte written: emitted + dropped + buffered', () => {
    const r = new Rechunker(160, { maxBufferedBytes: 480 });
    const sizes = chunkSizes(42, 2000);
    let written = 0;
    let emitted = 0;
    for (let i = 0; i < 500; i++) {
      const size = sizes.next().value as number;
      const frames = r.write(new Uint8Array(size));
      written += size;
      emitted += frames.length * 160;
      expect(frames.length * 160).toBeLessThanOrEqual(480);
      expect(r.dropped % 160).toBe(0);
      expect(emitted + r.dropped + r.buffered).toBe(written);
    }
    expect(r.dropped).toBeGreaterThan(0);
  });

  it('does not drop while within the bound', () => {
    const r = new Rechunker(160, { maxBufferedBytes: 320 });
    expect(r.write(new Uint8Array(300)).length).toBe(1);
    expect(r.write(new Uint8Array(20)).length).toBe(1);
    expect(r.dropped).toBe(0);
  });

  it('reset() discards buffered bytes and the drop counter', () => {
    const r = new Rechunker(4, { maxBufferedBytes: 4 });
    r.write(bytes(0, 7));
    expect(r.dropped).toBe(4);
    expect(r.buffered).toBe(3);
    r.reset();
    expect(r.buffered).toBe(0);
    expect(r.dropped).toBe(0);
    expect(r.flush()).toBeNull();
    expect(r.write(bytes(20, 4)).map((f) => Array.from(f))).toEqual([[20, 21, 22, 23]]);
  });

  it('ignores empty writes', () => {
    const r = new Rechunker(4);
    expect(r.write(new Uint8Array(0))).toEqual([]);
    expect(r.buffered).toBe(0);
  });

  it.each([
    [() => new Rechunker(0)],
    [() => new Rechunker(1.5)],
    [() => new Rechunker(-160)],
    [() => new Rechunker(160, { maxBufferedBytes: 100 })],
    [() => new Rechunker(160, { maxBufferedBytes: 200.5 })],
    [() => new Rechunker(160).flush({ padTo: 0 })],
    [() => new Rechunker(160).flush({ padByte: 256 })],
  ])('rejects invalid options with invalid_argument (%#)', (make) => {
    expect(make).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});
