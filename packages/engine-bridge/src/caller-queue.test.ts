import { describe, expect, it } from 'vitest';
import { CallerQueue } from './caller-queue.ts';

describe('CallerQueue', () => {
  it('keeps copies in order and drops the oldest audio (never a digit) past its bound', () => {
    const q = new CallerQueue(10);
    const a = Uint8Array.from([1, 1, 1, 1]);
    expect(q.pushAudio(a)).toBe(0);
    a.fill(9);
    q.pushDigit('5');
    expect(q.pushAudio(Uint8Array.from([2, 2, 2, 2]))).toBe(0);
    expect(q.pushAudio(Uint8Array.from([3, 3, 3, 3]))).toBe(1);
    expect(q.audioBytes).toBe(8);
    expect(q.shift()).toEqual({ digit: '5' });
    expect(q.shift()).toEqual({ audio: Uint8Array.from([2, 2, 2, 2]) });
    expect(q.shift()).toEqual({ audio: Uint8Array.from([3, 3, 3, 3]) });
    expect(q.shift()).toBeUndefined();
    expect(q.audioBytes).toBe(0);
  });

  it('refuses a chunk bigger than the whole bound, and bounds digits too', () => {
    const q = new CallerQueue(4, 2);
    expect(q.pushAudio(new Uint8Array(5))).toBe(1);
    expect(q.length).toBe(0);
    q.pushDigit('1');
    q.pushDigit('2');
    q.pushDigit('3');
    expect([q.shift(), q.shift(), q.shift()]).toEqual([{ digit: '2' }, { digit: '3' }, undefined]);
    q.pushAudio(new Uint8Array(2));
    q.clear();
    expect([q.length, q.audioBytes]).toEqual([0, 0]);
  });
});
