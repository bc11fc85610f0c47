import { describe, expect, it } from 'vitest';
import { findCapacity } from './capacity-search.ts';

const opts = { start: 50, max: 5000, resolution: 0.05, minGap: 5, maxSteps: 20 };

describe('findCapacity', () => {
  it('doubles, then bisects to within the resolution', async () => {
    const r = await findCapacity(async (calls) => ({ calls, pass: calls <= 730 }), opts);
    expect(r.capacity).toBeLessThanOrEqual(730);
    expect(r.capacity).toBeGreaterThanOrEqual(730 * 0.95);
    expect(r.firstFail).toBeGreaterThan(730);
    expect(r.steps.slice(0, 5).map((s) => s.calls)).toEqual([50, 100, 200, 400, 800]);
  });

  it('goes below the start when the first step fails, and stops at max when everything passes', async () => {
    expect((await findCapacity(async (calls) => ({ calls, pass: calls <= 12 }), opts)).capacity).toBeGreaterThanOrEqual(8);
    const all = await findCapacity(async (calls) => ({ calls, pass: true }), { ...opts, max: 300 });
    expect(all).toMatchObject({ capacity: 300, firstFail: null });
  });
});
