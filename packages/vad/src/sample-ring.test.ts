import { describe, expect, it } from 'vitest';
import { SampleRing } from './sample-ring.ts';

const ramp = (from: number, n: number): Int16Array => Int16Array.from({ length: n }, (_, i) => from + i);

describe('SampleRing', () => {
  it('turns 20 ms frames into 32 ms windows in order, across the wrap', () => {
    const ring = new SampleRing(600);
    const window = new Int16Array(256);
    const seen: number[] = [];
    let next = 0;
    for (let f = 0; f < 40; f++) {
      expect(ring.write(ramp(next, 160))).toBe(0);
      next += 160;
      while (ring.available >= 256) {
        const at = ring.readPos;
        ring.read(window);
        expect(window).toEqual(ramp(at, 256));
        seen.push(at);
      }
    }
    expect(seen).toEqual(Array.from({ length: Math.floor((40 * 160) / 256) }, (_, i) => i * 256));
    expect(ring.available).toBe(40 * 160 - seen.length * 256);
  });

  it('drops the oldest unread samples when full, counts them and keeps positions absolute', () => {
    const ring = new SampleRing(500);
    expect(ring.write(ramp(0, 400))).toBe(0);
    expect(ring.write(ramp(400, 300))).toBe(200);
    expect(ring.readPos).toBe(200);
    expect(ring.writePos).toBe(700);
    const window = new Int16Array(500);
    ring.read(window);
    expect(window).toEqual(ramp(200, 500));
  });

  it('keeps only the newest samples of a write larger than the ring', () => {
    const ring = new SampleRing(100);
    ring.write(ramp(0, 30));
    expect(ring.write(ramp(30, 250))).toBe(30 + 150);
    expect(ring.readPos).toBe(180);
    const window = new Int16Array(100);
    ring.read(window);
    expect(window).toEqual(ramp(180, 100));
  });

  it('clear drops what is unread and positions keep counting', () => {
    const ring = new SampleRing(100);
    ring.write(ramp(0, 70));
    ring.clear();
    expect(ring.available).toBe(0);
    ring.write(ramp(70, 10));
    expect(ring.readPos).toBe(70);
  });
});
