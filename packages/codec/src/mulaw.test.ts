import { describe, expect, it } from 'vitest';
import { CodecError } from './errors.ts';
import { linearToMulaw, mulawDecode, mulawEncode, mulawToLinear } from './mulaw.ts';

/** G.711 μ-law expansion written as the textbook formula: y = ±4·((2m + 33)·2^e − 33). */
function referenceDecode(code: number): number {
  const u = 255 - code;
  const negative = u >= 128;
  const e = Math.floor((u % 128) / 16);
  const m = u % 16;
  const magnitude = 4 * ((2 * m + 33) * 2 ** e - 33);
  return negative && magnitude !== 0 ? -magnitude : magnitude;
}

/** G.711 μ-law compression, bit by bit: bias, find the leading one, take the next four bits. */
function referenceEncode(sample: number): number {
  const negative = sample < 0;
  let magnitude = Math.min(Math.abs(sample), 32635) + 132;
  let e = 0;
  while (magnitude >= 2 ** (e + 8)) e++;
  const m = Math.floor(magnitude / 2 ** (e + 3)) - 16;
  magnitude = (negative ? 128 : 0) + e * 16 + m;
  return 255 - magnitude;
}

describe('μ-law', () => {
  it('decodes all 256 codes like the reference formula', () => {
    for (let code = 0; code < 256; code++) expect(mulawToLinear(code), `code ${code}`).toBe(referenceDecode(code));
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(Array.from(mulawDecode(all))).toEqual(Array.from(all, referenceDecode));
  });

  it('matches known G.711 values', () => {
    expect(mulawToLinear(0xff)).toBe(0);
    expect(mulawToLinear(0x7f)).toBe(0);
    expect(mulawToLinear(0x00)).toBe(-32124);
    expect(mulawToLinear(0x80)).toBe(32124);
    expect(linearToMulaw(0)).toBe(0xff);
    expect(linearToMulaw(-1)).toBe(0x7f);
    expect(linearToMulaw(32767)).toBe(0x80);
    expect(linearToMulaw(-32768)).toBe(0x00);
  });

  it('encodes all 65536 int16 inputs like the bit-by-bit reference', () => {
    const all = new Int16Array(65536);
    for (let i = 0; i < 65536; i++) all[i] = i - 32768;
    const encoded = mulawEncode(all);
    const mismatches: number[] = [];
    for (let i = 0; i < 65536; i++) {
      const sample = i - 32768;
      const expected = referenceEncode(sample);
      if (encoded[i] !== expected || linearToMulaw(sample) !== expected) mismatches.push(sample);
    }
    expect(mismatches).toEqual([]);
  });

  it('is stable under decode → encode → decode for every code', () => {
    for (let code = 0; code < 256; code++) {
      const linear = mulawToLinear(code);
      expect(mulawToLinear(linearToMulaw(linear))).toBe(linear);
    }
  });

  it('clamps and truncates out-of-range per-sample input', () => {
    expect(linearToMulaw(1e9)).toBe(linearToMulaw(32767));
    expect(linearToMulaw(-1e9)).toBe(linearToMulaw(-32768));
    expect(linearToMulaw(1000.9)).toBe(linearToMulaw(1000));
    expect(linearToMulaw(Number.NaN)).toBe(0xff);
  });

  it('writes into a caller buffer and returns a subarray of it', () => {
    const dst = new Int16Array(10);
    const out = mulawDecode(Uint8Array.of(0x00, 0x80, 0xff), dst);
    expect(out.buffer).toBe(dst.buffer);
    expect(out.length).toBe(3);
    expect(Array.from(dst.subarray(0, 3))).toEqual([-32124, 32124, 0]);

    const bytes = new Uint8Array(8);
    const encoded = mulawEncode(Int16Array.of(0, 32767), bytes);
    expect(encoded.buffer).toBe(bytes.buffer);
    expect(Array.from(encoded)).toEqual([0xff, 0x80]);
  });

  it('rejects a destination that is too small', () => {
    expect(() => mulawDecode(new Uint8Array(4), new Int16Array(3))).toThrow(
      expect.objectContaining({ code: 'destination_too_small' }),
    );
    expect(() => mulawEncode(new Int16Array(4), new Uint8Array(3))).toThrow(CodecError);
  });
});
