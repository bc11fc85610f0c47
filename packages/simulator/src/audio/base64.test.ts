import { describe, expect, it } from 'vitest';
import { decodeBase64Into } from './base64.ts';

describe('decodeBase64Into', () => {
  it('matches Buffer for every padding case, from a range inside a larger buffer', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 73 + n) & 0xff));
      const text = Buffer.from(`{"payload":"${bytes.toString('base64')}"}`);
      const start = 12;
      const end = text.length - 2;
      const dst = new Uint8Array(64);
      const written = decodeBase64Into(text, start, end, dst);
      expect(written).toBe(n);
      expect(Buffer.from(dst.subarray(0, written))).toEqual(bytes);
    }
  });

  it('refuses invalid input and a short destination', () => {
    const dst = new Uint8Array(8);
    expect(decodeBase64Into(Buffer.from('ab$d'), 0, 4, dst)).toBe(-1);
    expect(decodeBase64Into(Buffer.from('abc'), 0, 3, dst)).toBe(-1);
    expect(decodeBase64Into(Buffer.from('AAAAAAAAAAAA'), 0, 12, new Uint8Array(4))).toBe(-1);
  });
});
