import { describe, expect, it } from 'vitest';
import { SIGNAL_REPEAT_WINDOW_MS, StopRequest, createStopSignalCounter } from './stop-signals.ts';

describe('createStopSignalCounter', () => {
  it('asks for a drain, then for ending live calls now, then for an immediate exit', () => {
    let clock = 1_000;
    const next = createStopSignalCounter(() => clock);
    expect(next()).toBe(StopRequest.Drain);
    clock += 2_000;
    expect(next()).toBe(StopRequest.Now);
    clock += 500;
    expect(next()).toBe(StopRequest.Exit);
    clock += 500;
    expect(next()).toBe(StopRequest.Exit);
  });

  it('counts a signal relayed within the repeat window as the same request', () => {
    let clock = 0;
    const next = createStopSignalCounter(() => clock);
    expect(next()).toBe(StopRequest.Drain);
    clock += 30;
    expect(next()).toBeNull();
    clock += SIGNAL_REPEAT_WINDOW_MS - 31;
    expect(next()).toBeNull();
    clock += SIGNAL_REPEAT_WINDOW_MS;
    expect(next()).toBe(StopRequest.Now);
  });
});
