import { describe, expect, it } from 'vitest';
import { base64Length, decodeBase64Bytes, encodeBase64Into } from './base64-bytes.ts';
import { decodeBase64 } from './frame-fields.ts';

/** Deterministic pseudo-random source. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 8;
  };
}

/** What decodeBase64 makes of `text`: the bytes, or the error code. */
function reference(text: string): unknown {
  try {
    return decodeBase64(text);
  } catch (err) {
    return (err as { code: string }).code;
  }
}

function fast(text: string): unknown {
  const bytes = Buffer.from(`xx${text}yy`, 'latin1');
  try {
    return decodeBase64Bytes(bytes, 2, bytes.length - 2);
  } catch (err) {
    return (err as { code: string }).code;
  }
}

describe('base64 between byte ranges', () => {
  it('encodes exactly as Buffer#toString("base64") for every length up to 400', () => {
    const next = lcg(3);
    for (let n = 0; n <= 400; n++) {
      const src = Buffer.from(Array.from({ length: n }, () => next() & 0xff));
      const dst = Buffer.alloc(base64Length(n) + 5, 0x21);
      expect(encodeBase64Into(src, dst, 3)).toBe(3 + base64Length(n));
      expect(dst.toString('latin1', 3, 3 + base64Length(n))).toBe(src.toString('base64'));
    }
  });

  it('decodes valid text (standard, URL-safe, padded or not) exactly as decodeBase64', () => {
    const next = lcg(5);
    for (let n = 0; n <= 300; n++) {
      const src = Buffer.from(Array.from({ length: n }, () => next() & 0xff));
      for (const text of [src.toString('base64'), src.toString('base64url'), src.toString('base64').replace(/=+$/, '')]) {
        expect(fast(text)).toEqual(reference(text));
        expect(fast(text)).toEqual(src);
      }
    }
  });

  it('rejects (malformed_frame) exactly what decodeBase64 rejects, and accepts the rest identically', () => {
    const next = lcg(9);
    const chars = 'AAAAQQQQgggg////++++--__==  .\n\u0000é\u00ff*';
    let rejected = 0;
    for (let i = 0; i < 20_000; i++) {
      const len = next() % 14;
      let text = '';
      for (let k = 0; k < len; k++) text += chars[next() % chars.length];
      const want = reference(text);
      expect(fast(text), JSON.stringify(text)).toEqual(want);
      if (want === 'malformed_frame') rejected++;
    }
    expect(rejected).toBeGreaterThan(1000);
  });
});
