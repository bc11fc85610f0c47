import { describe, expect, it } from 'vitest';
import { alawDecode, alawEncode, alawToLinear, linearToAlaw } from './alaw.ts';

/** G.711 A-law expansion as the textbook formula: segment 0 is linear, segments 1–7 double each time. */
function referenceDecode(code: number): number {
  const a = code ^ 0x55;
  const positive = a >= 128;
  const e = Math.floor((a % 128) / 16);
  const m = a % 16;
  const magnitude = e === 0 ? 8 * (2 * m + 1) : (2 * m + 33) * 2 ** (e + 2);
  return positive ? magnitude : -magnitude;
}

/** G.711 A-law compression, bit by bit, on the 13-bit value (one's-complement magnitude for negatives). */
function referenceEncode(sample: number): number {
  const x = Math.floor(sample / 8);
  const positive = x >= 0;
  const magnitude = positive ? x : -x - 1;
  let e = 0;
  let m: number;
  if (magnitude < 32) {
    m = Math.floor(magnitude / 2);
  } else {
    e = 1;
    while (magnitude >= 2 ** (e + 5)) e++;
    m = Math.floor(magnitude / 2 ** e) - 16;
  }
  return ((positive ? 128 : 0) + e * 16 + m) ^ 0x55;
}

describe('A-law', () => {
  it('decodes all 256 codes like the reference formula', () => {
    for (let code = 0; code < 256; code++) expect(alawToLinear(code), `code ${code}`).toBe(referenceDecode(code));
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(Array.from(alawDecode(all))).toEqual(Array.from(all, referenceDecode));
  });

  it('matches known G.711 values', () => {
    expect(alawToLinear(0xd5)).toBe(8);
    expect(alawToLinear(0x55)).toBe(-8);
    expect(alawToLinear(0xaa)).toBe(32256);
    expect(alawToLinear(0x2a)).toBe(-32256);
    expect(linearToAlaw(0)).toBe(0xd5);
    expect(linearToAlaw(-1)).toBe(0x55);
    expect(linearToAlaw(32767)).toBe(0xaa);
    expect(linearToAlaw(-32768)).toBe(0x2a);
  });

  it('encodes all 65536 int16 inputs like the bit-by-bit reference', () => {
    const all = new Int16Array(65536);
    for (let i = 0; i < 65536; i++) all[i] = i - 32768;
    const encoded = alawEncode(all);
    const mismatches: number[] = [];
    for (let i = 0; i < 65536; i++) {
      const sample = i - 32768;
      const expected = referenceEncode(sample);
      if (encoded[i] !== expected || linearToAlaw(sample) !== expected) mismatches.push(sample);
    }
    expect(mismatches).toEqual([]);
  });

  it('is stable under decode → encode → decode for every code', () => {
    for (let code = 0; code < 256; code++) {
      const linear = alawToLinear(code);
      expect(alawToLinear(linearToAlaw(linear))).toBe(linear);
      // A-law has no duplicate zero: every code survives the round trip.
      expect(linearToAlaw(linear)).toBe(code);
    }
  });

  it('clamps out-of-range per-sample input', () => {
    expect(linearToAlaw(1e9)).toBe(0xaa);
    expect(linearToAlaw(-1e9)).toBe(0x2a);
  });

  it('writes into a caller buffer and returns a subarray of it', () => {
    const dst = new Int16Array(4);
    const out = alawDecode(Uint8Array.of(0xd5, 0xaa), dst);
    expect(out.buffer).toBe(dst.buffer);
    expect(Array.from(out)).toEqual([8, 32256]);

    const bytes = new Uint8Array(4);
    const encoded = alawEncode(Int16Array.of(0, -32768, 32767), bytes);
    expect(encoded.buffer).toBe(bytes.buffer);
    expect(Array.from(encoded)).toEqual([0xd5, 0x2a, 0xaa]);
  });

  it('rejects a destination that is too small', () => {
    expect(() => alawDecode(new Uint8Array(2), new Int16Array(1))).toThrow(
      expect.objectContaining({ code: 'destination_too_small' }),
    );
    expect(() => alawEncode(new Int16Array(2), new Uint8Array(1))).toThrow(
      expect.objectContaining({ code: 'destination_too_small' }),
    );
  });
});
