import { describe, expect, it } from 'vitest';
import { freeConcurrency, reserveSlots } from './pacing.ts';

const T0 = Date.parse('2026-12-07T10:00:00.000Z');

describe('campaign pacing', () => {
  it('gives one slot every 1/rate from now, within the horizon', () => {
    const r = reserveSlots({ now: T0, nextDialAt: T0 - 60_000, callsPerSecond: 5, horizonMs: 1_500, max: 100 });
    expect(r.slots.map((s) => s - T0)).toEqual([0, 200, 400, 600, 800, 1000, 1200, 1400]);
    expect(r.nextDialAt - T0).toBe(1600);
  });

  it('continues the schedule a previous pass left: no slot before next_dial_at, no burst after a pause', () => {
    const first = reserveSlots({ now: T0, nextDialAt: T0, callsPerSecond: 5, horizonMs: 1_500, max: 3 });
    expect(first.slots.map((s) => s - T0)).toEqual([0, 200, 400]);
    // The next pass a second later starts from the stored token time, not from "now".
    const second = reserveSlots({ now: T0 + 300, nextDialAt: first.nextDialAt, callsPerSecond: 5, horizonMs: 1_500, max: 2 });
    expect(second.slots.map((s) => s - T0)).toEqual([600, 800]);
    // Idle for a minute: the bucket holds one token, so dialling starts again at the plain rate.
    const idle = reserveSlots({ now: T0 + 60_000, nextDialAt: second.nextDialAt, callsPerSecond: 5, horizonMs: 1_000, max: 100 });
    expect(idle.slots.map((s) => s - T0 - 60_000)).toEqual([0, 200, 400, 600, 800]);
  });

  it('holds the rate over any window whatever the passes: never two slots closer than 1/rate', () => {
    let next = T0;
    const all: number[] = [];
    for (let pass = 0; pass < 50; pass++) {
      const now = T0 + pass * 1000 + ((pass * 37) % 300); // late, irregular passes
      const r = reserveSlots({ now, nextDialAt: next, callsPerSecond: 3, horizonMs: 1_500, max: 1 + (pass % 4) });
      next = r.nextDialAt;
      all.push(...r.slots);
    }
    const gaps = all.slice(1).map((s, i) => s - all[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000 / 3);
    expect(all.every(Number.isInteger)).toBe(true);
    expect(all.length).toBeGreaterThan(50);
  });

  it('gives no more slots than the free concurrency, and none at capacity', () => {
    expect(freeConcurrency(3, 1)).toBe(2);
    expect(freeConcurrency(3, 5)).toBe(0);
    const r = reserveSlots({ now: T0, nextDialAt: T0, callsPerSecond: 50, horizonMs: 1_000, max: freeConcurrency(3, 1) });
    expect(r.slots).toHaveLength(2);
    const none = reserveSlots({ now: T0, nextDialAt: T0 - 5, callsPerSecond: 50, horizonMs: 1_000, max: freeConcurrency(3, 3) });
    expect(none).toEqual({ slots: [], nextDialAt: T0 - 5 });
  });

  it('stops at the end of the calling window', () => {
    const r = reserveSlots({ now: T0, nextDialAt: T0, callsPerSecond: 2, horizonMs: 5_000, max: 100, allowed: (at) => at < T0 + 1_200 });
    expect(r.slots.map((s) => s - T0)).toEqual([0, 500, 1000]);
    expect(r.nextDialAt - T0).toBe(1500);
  });
});
