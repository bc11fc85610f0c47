import { describe, expect, it } from 'vitest';
import { bucketLabel, horizontalBars, labelEvery, linearScale, meterFraction, stackedBars } from './scale.ts';

describe('linearScale', () => {
  it('rounds the top up to a nice step and spaces whole ticks', () => {
    const scale = linearScale(7, 100);
    expect(scale.max).toBe(8);
    expect(scale.ticks).toEqual([0, 2, 4, 6, 8]);
    expect(scale.at(4)).toBe(50);
    expect(scale.at(100)).toBe(100);
    expect(scale.at(-1)).toBe(0);
  });

  it('keeps a unit domain for all-zero data and whole steps for small counts', () => {
    expect(linearScale(0, 50)).toMatchObject({ max: 1, ticks: [0, 1] });
    expect(linearScale(3, 90).ticks).toEqual([0, 1, 2, 3]);
    expect(linearScale(1234, 10).max).toBe(1500);
  });
});

describe('stackedBars', () => {
  it('stacks segments from the baseline in key order, one centred bar per slot', () => {
    const rows = [
      { inbound: 2, outbound: 1 },
      { inbound: 0, outbound: 0 },
      { inbound: 1, outbound: 3 },
    ];
    const { scale, slot, bars } = stackedBars(rows, ['inbound', 'outbound'], 300, 100, 0.5);
    expect(scale.max).toBe(4);
    expect(slot).toBe(100);
    const [first, empty, last] = bars;
    expect(first).toEqual([
      { key: 'inbound', value: 2, x: 25, y: 50, width: 50, height: 50 },
      { key: 'outbound', value: 1, x: 25, y: 25, width: 50, height: 25 },
    ]);
    expect(empty!.map((s) => s.height)).toEqual([0, 0]);
    expect(last![1]).toMatchObject({ x: 225, y: 0, height: 75 });
  });

  it('draws nothing for no rows', () => {
    expect(stackedBars([], ['a'], 100, 100).bars).toEqual([]);
  });
});

describe('horizontalBars', () => {
  it('gives each value a row and a width on a shared scale', () => {
    const { scale, bars } = horizontalBars([6, 3], 200, 20, 12);
    expect(scale.max).toBe(6);
    expect(bars).toEqual([
      { x: 0, y: 4, width: 200, height: 12 },
      { x: 0, y: 24, width: 100, height: 12 },
    ]);
  });
});

describe('meterFraction, bucketLabel, labelEvery', () => {
  it('clamps the share and is null without a limit', () => {
    expect(meterFraction(30, 120)).toBe(0.25);
    expect(meterFraction(300, 120)).toBe(1);
    expect(meterFraction(30, null)).toBeNull();
    expect(meterFraction(0, 0)).toBe(0);
  });

  it('labels buckets and thins labels', () => {
    expect(bucketLabel(0, 50)).toBe('0–50');
    expect(bucketLabel(5000, null)).toBe('5000+');
    expect(labelEvery(24, 12)).toBe(2);
    expect(labelEvery(720, 12)).toBe(60);
    expect(labelEvery(5, 12)).toBe(1);
  });
});
