import { describe, expect, it } from 'vitest';
import { Histogram } from './histogram.ts';

describe('Histogram', () => {
  it('reports percentiles to its resolution and the exact max and mean', () => {
    const h = new Histogram();
    for (let i = 1; i <= 1000; i++) h.record(i / 100); // 0.01 … 10 ms
    const s = h.summary();
    expect(s.count).toBe(1000);
    expect(s.p50).toBeCloseTo(5, 1);
    expect(s.p99).toBeCloseTo(9.9, 1);
    expect(s.max).toBe(10);
    expect(s.mean).toBeCloseTo(5.005, 3);
  });

  it('puts values beyond its range in the overflow bucket, read as the maximum', () => {
    const h = new Histogram(0.1, 10);
    h.record(1);
    h.record(500);
    expect(h.quantile(0.99)).toBe(500);
    expect(h.quantile(0.5)).toBeCloseTo(1.1, 5);
    h.reset();
    expect(h.summary().p50).toBeNull();
  });
});
