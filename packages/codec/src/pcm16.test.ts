import { describe, expect, it } from 'vitest';
import { int16ToPcm16be, int16ToPcm16le, pcm16beToInt16, pcm16leToInt16 } from './pcm16.ts';

const SAMPLES = Int16Array.of(0, 1, -1, 0x1234, -0x1234, 32767, -32768, 256, -256, 0x7f80);

/** Independent byte-level reference: `Buffer#writeInt16LE/BE`. */
function referenceBytes(samples: Int16Array, littleEndian: boolean): Buffer {
  const out = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => (littleEndian ? out.writeInt16LE(s, i * 2) : out.writeInt16BE(s, i * 2)));
  return out;
}

/** The same bytes placed at an odd offset inside a larger ArrayBuffer. */
function atOddOffset(bytes: Uint8Array): Uint8Array {
  const backing = new Uint8Array(bytes.length + 3);
  backing.set(bytes, 1);
  return backing.subarray(1, 1 + bytes.length);
}

describe('PCM16', () => {
  it('encodes little- and big-endian byte layouts', () => {
    expect(int16ToPcm16le(SAMPLES).equals(referenceBytes(SAMPLES, true))).toBe(true);
    expect(int16ToPcm16be(SAMPLES).equals(referenceBytes(SAMPLES, false))).toBe(true);
    expect(Array.from(int16ToPcm16le(Int16Array.of(0x1234)))).toEqual([0x34, 0x12]);
    expect(Array.from(int16ToPcm16be(Int16Array.of(0x1234)))).toEqual([0x12, 0x34]);
  });

  it('round-trips little-endian, aligned and unaligned', () => {
    const bytes = referenceBytes(SAMPLES, true);
    expect(Array.from(pcm16leToInt16(bytes))).toEqual(Array.from(SAMPLES));
    const odd = atOddOffset(bytes);
    expect(odd.byteOffset % 2).toBe(1);
    expect(Array.from(pcm16leToInt16(odd))).toEqual(Array.from(SAMPLES));
    expect(Array.from(pcm16leToInt16(int16ToPcm16le(SAMPLES)))).toEqual(Array.from(SAMPLES));
  });

  it('round-trips big-endian, aligned and unaligned', () => {
    const bytes = referenceBytes(SAMPLES, false);
    expect(Array.from(pcm16beToInt16(bytes))).toEqual(Array.from(SAMPLES));
    expect(Array.from(pcm16beToInt16(atOddOffset(bytes)))).toEqual(Array.from(SAMPLES));
    expect(Array.from(pcm16beToInt16(int16ToPcm16be(SAMPLES)))).toEqual(Array.from(SAMPLES));
  });

  it('round-trips every int16 value', () => {
    const all = new Int16Array(65536);
    for (let i = 0; i < all.length; i++) all[i] = i - 32768;
    expect(pcm16leToInt16(atOddOffset(int16ToPcm16le(all)))).toEqual(all);
    expect(pcm16beToInt16(atOddOffset(int16ToPcm16be(all)))).toEqual(all);
  });

  it('returns a view for aligned little-endian input and a copy otherwise', () => {
    const bytes = referenceBytes(SAMPLES, true);
    const view = pcm16leToInt16(bytes);
    expect(view.buffer).toBe(bytes.buffer);
    const odd = atOddOffset(bytes);
    expect(pcm16leToInt16(odd).buffer).not.toBe(odd.buffer);
    const be = referenceBytes(SAMPLES, false);
    const swapped = pcm16beToInt16(be);
    expect(swapped.buffer).not.toBe(be.buffer);
    expect(be.equals(referenceBytes(SAMPLES, false))).toBe(true);
  });

  it('handles base64-decoded pooled buffers', () => {
    const b64 = referenceBytes(SAMPLES, true).toString('base64');
    for (let pad = 0; pad < 4; pad++) {
      Buffer.from('x'.repeat(pad)); // shift the allocation pool
      expect(Array.from(pcm16leToInt16(Buffer.from(b64, 'base64')))).toEqual(Array.from(SAMPLES));
    }
  });

  it('encodes subarrays without leaking neighbouring samples', () => {
    const sub = SAMPLES.subarray(3, 5);
    expect(int16ToPcm16le(sub).equals(referenceBytes(Int16Array.from(sub), true))).toBe(true);
    expect(int16ToPcm16be(sub).equals(referenceBytes(Int16Array.from(sub), false))).toBe(true);
  });

  it('never aliases the input when encoding', () => {
    const samples = Int16Array.of(1, 2);
    const out = int16ToPcm16le(samples);
    samples[0] = 99;
    expect(out.readInt16LE(0)).toBe(1);
  });

  it('handles empty input', () => {
    expect(pcm16leToInt16(new Uint8Array(0)).length).toBe(0);
    expect(pcm16beToInt16(new Uint8Array(0)).length).toBe(0);
    expect(int16ToPcm16le(new Int16Array(0)).length).toBe(0);
  });

  it('rejects an odd number of bytes', () => {
    expect(() => pcm16leToInt16(new Uint8Array(3))).toThrow(expect.objectContaining({ code: 'odd_byte_length' }));
    expect(() => pcm16beToInt16(new Uint8Array(1))).toThrow(expect.objectContaining({ code: 'odd_byte_length' }));
  });
});
