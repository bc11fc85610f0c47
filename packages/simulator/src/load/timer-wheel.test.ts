import { describe, expect, it } from 'vitest';
import type { TickClock } from './tick-clock.ts';
import { TimerWheel } from './timer-wheel.ts';

const clock = { epoch: 1000, tickMs: 1 } as TickClock;

describe('TimerWheel', () => {
  it('visits an item at the tick of its slot, every period, until it leaves', () => {
    const wheel = new TimerWheel<string>(clock, 20);
    wheel.add('a', 1003.4); // slot 3: ticks 4, 24, 44 …
    wheel.add('b', 1019.9); // slot 19: ticks 20, 40 …
    const seen: Array<[number, string]> = [];
    const tick = (t: number, keep = true) => wheel.sweep(t, t, (item) => (seen.push([t, item]), keep));
    for (let t = 1; t <= 24; t++) tick(t);
    expect(seen).toEqual([
      [4, 'a'],
      [20, 'b'],
      [24, 'a'],
    ]);
    tick(44, false);
    tick(64);
    expect(seen.slice(3)).toEqual([[44, 'a']]);
  });

  it('a late clock visits each slot of the ticks it covers once, at most one whole period', () => {
    const wheel = new TimerWheel<number>(clock, 20);
    for (let i = 0; i < 20; i++) wheel.add(i, 1000 + i);
    const seen: number[] = [];
    wheel.sweep(1, 75, (item) => (seen.push(item), true));
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
