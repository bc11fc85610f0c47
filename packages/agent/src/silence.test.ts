import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SilenceConfigSchema, silenceOptionsOf } from './silence-config.ts';
import { SilenceWatch, type SilenceOptions } from './silence.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function watch(options: SilenceOptions) {
  const log: string[] = [];
  const w = new SilenceWatch(options, { reprompt: () => log.push(`reprompt@${Date.now()}`), hangup: () => log.push(`hangup@${Date.now()}`) }, undefined, () => Date.now());
  return { w, log };
}

describe('SilenceWatch', () => {
  it('reprompts after each reprompt delay and hangs up after the hang-up delay of silence in all', () => {
    vi.setSystemTime(0);
    const { w, log } = watch({ repromptAfterMs: 5_000, hangupAfterMs: 12_000 });
    w.waitForCaller();
    vi.advanceTimersByTime(5_000);
    expect(log).toEqual(['reprompt@5000']);
    // The reprompt is spoken for 2 s; the clocks run again once it has been heard.
    vi.advanceTimersByTime(2_000);
    w.waitForCaller();
    vi.advanceTimersByTime(5_000);
    expect(log).toEqual(['reprompt@5000', 'reprompt@12000']);
    vi.advanceTimersByTime(1_000);
    w.waitForCaller();
    // 10 s of silence so far: no third reprompt would fit, the hang-up comes 2 s later.
    vi.advanceTimersByTime(1_999);
    expect(log).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(log).toEqual(['reprompt@5000', 'reprompt@12000', 'hangup@15000']);
  });

  it('caller speech stops both clocks and forgets the silence so far', () => {
    vi.setSystemTime(0);
    const { w, log } = watch({ repromptAfterMs: 5_000, hangupAfterMs: 8_000 });
    w.waitForCaller();
    vi.advanceTimersByTime(5_000);
    w.waitForCaller();
    w.callerActive();
    vi.advanceTimersByTime(60_000);
    expect(log).toEqual(['reprompt@5000']);
    w.waitForCaller();
    vi.advanceTimersByTime(8_000);
    // A full reprompt delay again (the silence before the caller spoke is forgotten), then the rest of the 8 s.
    expect(log).toEqual(['reprompt@5000', 'reprompt@70000']);
    w.waitForCaller();
    vi.advanceTimersByTime(3_000);
    expect(log).toEqual(['reprompt@5000', 'reprompt@70000', 'hangup@76000']);
  });

  it('an agent turn stops the clocks until it has been heard; stop ends everything', () => {
    vi.setSystemTime(0);
    const { w, log } = watch({ hangupAfterMs: 3_000 });
    expect(w.waiting).toBe(false);
    w.waitForCaller();
    expect(w.waiting).toBe(true);
    vi.advanceTimersByTime(2_000);
    w.agentSpeaking();
    expect(w.waiting).toBe(false);
    vi.advanceTimersByTime(10_000);
    expect(log).toEqual([]);
    w.waitForCaller();
    w.stop();
    vi.advanceTimersByTime(10_000);
    w.waitForCaller();
    vi.advanceTimersByTime(10_000);
    expect(log).toEqual([]);
  });

  it('does nothing without durations, and never reprompts past the hang-up', () => {
    vi.setSystemTime(0);
    const none = watch({});
    none.w.waitForCaller();
    vi.advanceTimersByTime(600_000);
    expect(none.log).toEqual([]);
    const late = watch({ repromptAfterMs: 10_000, hangupAfterMs: 10_000 });
    late.w.waitForCaller();
    vi.advanceTimersByTime(10_000);
    expect(late.log).toEqual(['hangup@610000']);
  });
});

describe('silence configuration', () => {
  it('accepts fractional seconds from 2 s, rejects shorter ones and unknown keys', () => {
    expect(SilenceConfigSchema.parse({ reprompt_after_s: 2.5, hangup_after_s: 4, reprompt: 'Hello?', goodbye: 'Bye.' })).toEqual({ reprompt_after_s: 2.5, hangup_after_s: 4, reprompt: 'Hello?', goodbye: 'Bye.' });
    expect(SilenceConfigSchema.safeParse({ reprompt_after_s: 1.9 }).error?.issues[0]?.path).toEqual(['reprompt_after_s']);
    expect(SilenceConfigSchema.safeParse({ hangup_after_s: 3601 }).error?.issues[0]?.path).toEqual(['hangup_after_s']);
    expect(SilenceConfigSchema.safeParse({ goodbye: '' }).error?.issues[0]?.path).toEqual(['goodbye']);
    expect(SilenceConfigSchema.safeParse({ other: 1 }).success).toBe(false);
  });

  it('gives the watch its durations in ms, or null without any', () => {
    expect(silenceOptionsOf({ reprompt_after_s: 2.5, goodbye: 'Bye.' })).toEqual({ repromptAfterMs: 2500, hangupAfterMs: undefined });
    expect(silenceOptionsOf({ hangup_after_s: 30 })).toEqual({ repromptAfterMs: undefined, hangupAfterMs: 30_000 });
    expect(silenceOptionsOf({ reprompt: 'Hello?' })).toBeNull();
    expect(silenceOptionsOf(undefined)).toBeNull();
  });
});
