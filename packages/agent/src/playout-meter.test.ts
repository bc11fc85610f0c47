import { describe, expect, it } from 'vitest';
import { PLAYOUT_METER_DEFAULTS, PlayoutMeter } from './playout-meter.ts';
import type { Timers } from './timers.ts';

/** Fake timers: what is armed, fired by hand. */
function fakeTimers() {
  const armed = new Map<number, { fn: () => void; ms: number }>();
  let next = 0;
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      armed.set(++next, { fn, ms });
      return next;
    },
    clearTimeout: (handle) => void armed.delete(handle as number),
  };
  const fire = () => {
    const all = [...armed.entries()];
    armed.clear();
    for (const [, t] of all) t.fn();
  };
  return { timers, armed, fire };
}

describe('PlayoutMeter', () => {
  it('has room while less than leadMs waits unheard', () => {
    let pending = 0;
    const meter = new PlayoutMeter({ pendingMs: () => pending }, () => {}, { leadMs: 300, timers: fakeTimers().timers });
    expect(meter.hasRoom).toBe(true);
    pending = 299;
    expect(meter.hasRoom).toBe(true);
    pending = 300;
    expect(meter.hasRoom).toBe(false);
    expect(new PlayoutMeter({ pendingMs: () => 0 }, () => {}).leadMs).toBe(PLAYOUT_METER_DEFAULTS.leadMs);
  });

  it('wakes once playback has drained to the low-water mark (half the lead by default), one timer at a time', () => {
    const { timers, armed, fire } = fakeTimers();
    let pending = 1500;
    let wakes = 0;
    const meter = new PlayoutMeter({ pendingMs: () => pending }, () => wakes++, { leadMs: 1500, timers });
    meter.wait();
    meter.wait();
    expect([...armed.values()].map((t) => t.ms)).toEqual([750]);
    expect(meter.waiting).toBe(true);
    fire();
    expect(wakes).toBe(1);
    expect(meter.waiting).toBe(false);
    // Nearly drained already: the shortest wait.
    pending = 10;
    meter.wait();
    expect([...armed.values()].map((t) => t.ms)).toEqual([PLAYOUT_METER_DEFAULTS.minWaitMs]);
  });

  it('a given low-water mark and minimum wait set the delay; cancel clears the timer', () => {
    const { timers, armed } = fakeTimers();
    const meter = new PlayoutMeter({ pendingMs: () => 1500 }, () => {}, { leadMs: 1000, lowWaterMs: 980, minWaitMs: 20, timers });
    meter.wait();
    expect([...armed.values()].map((t) => t.ms)).toEqual([520]);
    meter.cancel();
    meter.cancel();
    expect(armed.size).toBe(0);
    expect(meter.waiting).toBe(false);
  });

  it('refuses a low-water mark at or above the lead, or a lead or wait that is not positive', () => {
    const playback = { pendingMs: () => 0 };
    expect(() => new PlayoutMeter(playback, () => {}, { leadMs: 500, lowWaterMs: 500 })).toThrow(RangeError);
    expect(() => new PlayoutMeter(playback, () => {}, { leadMs: 0 })).toThrow(RangeError);
    expect(() => new PlayoutMeter(playback, () => {}, { minWaitMs: 0 })).toThrow(RangeError);
  });

  it('uses the global timers by default', async () => {
    let woke = false;
    const meter = new PlayoutMeter({ pendingMs: () => 0 }, () => (woke = true), { minWaitMs: 5 });
    meter.wait();
    await new Promise((r) => setTimeout(r, 30));
    expect(woke).toBe(true);
  });
});
