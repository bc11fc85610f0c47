import { describe, expect, it } from 'vitest';
import { wavPeaks } from './waveform.ts';

/** A 16-bit stereo WAV of `left`/`right` (equal length), with a LIST chunk before `data` as real writers add. */
function wav(left: number[], right: number[], rate = 8000): ArrayBuffer {
  const list = 12;
  const data = left.length * 4;
  const buf = new ArrayBuffer(12 + 24 + 8 + list + 8 + data);
  const v = new DataView(buf);
  const put = (o: number, s: string) => [...s].forEach((ch, i) => v.setUint8(o + i, ch.charCodeAt(0)));
  put(0, 'RIFF');
  v.setUint32(4, buf.byteLength - 8, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, 2, true);
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * 4, true);
  v.setUint16(32, 4, true);
  v.setUint16(34, 16, true);
  put(36, 'LIST');
  v.setUint32(40, list, true);
  put(44 + list, 'data');
  v.setUint32(48 + list, data, true);
  left.forEach((s, i) => {
    v.setInt16(52 + list + i * 4, s, true);
    v.setInt16(54 + list + i * 4, right[i]!, true);
  });
  return buf;
}

describe('wavPeaks', () => {
  it('gives each channel its own peaks per column, and the duration', () => {
    const left = [0, 16384, 0, 0, 0, 0, -32768, 0];
    const right = [0, 0, 0, 8192, 0, 0, 0, 0];
    const w = wavPeaks(wav(left, right), 4);
    expect(w.sampleRate).toBe(8000);
    expect(w.durationMs).toBe(1);
    expect([...w.channels[0]!]).toEqual([0.5, 0, 0, 1]);
    expect([...w.channels[1]!]).toEqual([0, 0.25, 0, 0]);
  });

  it('refuses what is not 16-bit PCM WAV', () => {
    expect(() => wavPeaks(new TextEncoder().encode('not a wav at all').buffer, 10)).toThrow(/not a WAV/);
    const eightBit = wav([1], [1]);
    new DataView(eightBit).setUint16(34, 8, true);
    expect(() => wavPeaks(eightBit, 10)).toThrow(/16-bit/);
  });
});
