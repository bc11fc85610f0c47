import { describe, expect, it } from 'vitest';
import { ManualClock } from './manual-clock.ts';

describe('ManualClock', () => {
  it('runs the timers due by the time it is moved to, in order, at their due time; cleared ones never', () => {
    const clock = new ManualClock();
    const ran: string[] = [];
    clock.timers.setTimeout(() => ran.push(`b@${clock.now()}`), 300);
    clock.timers.setTimeout(() => {
      ran.push(`a@${clock.now()}`);
      clock.timers.setTimeout(() => ran.push(`c@${clock.now()}`), 150);
    }, 100);
    const cleared = clock.timers.setTimeout(() => ran.push('never'), 200);
    clock.timers.clearTimeout(cleared);
    expect(clock.pending()).toEqual([100, 300]);
    clock.advance(250);
    expect(ran).toEqual(['a@100', 'c@250']);
    expect(clock.now()).toBe(250);
    expect(clock.pending()).toEqual([50]);
    clock.advance(1000);
    expect(ran).toEqual(['a@100', 'c@250', 'b@300']);
    expect(clock.now()).toBe(1250);
  });
});
