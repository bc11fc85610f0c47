import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTROL_PLANE_CONFIG } from '../config.ts';
import { retryDelayMs, retryWindowMs, sweepIntervalMs } from './policy.ts';

const HOUR = 3_600_000;

describe('webhook retry schedule', () => {
  it('retries for at least 24 hours by default', () => {
    expect(retryWindowMs(DEFAULT_CONTROL_PLANE_CONFIG)).toBeGreaterThanOrEqual(24 * HOUR);
    // …and not for days on end.
    expect(retryWindowMs(DEFAULT_CONTROL_PLANE_CONFIG)).toBeLessThan(48 * HOUR);
  });

  it('doubles the delay up to the cap and stops after the last attempt', () => {
    const policy = { webhookAttempts: 6, webhookBackoffMs: 100, webhookMaxBackoffMs: 500 };
    expect([1, 2, 3, 4, 5, 6].map((attempt) => retryDelayMs(policy, attempt))).toEqual([100, 200, 400, 500, 500, null]);
    expect(retryWindowMs(policy)).toBe(1_700);
    expect(retryDelayMs({ ...policy, webhookAttempts: 1 }, 1)).toBeNull();
  });

  it('stays finite for any attempt number', () => {
    expect(retryDelayMs({ webhookAttempts: 100, webhookBackoffMs: 30_000, webhookMaxBackoffMs: 6 * HOUR }, 99)).toBe(6 * HOUR);
  });

  it('sweeps as often as the first delay, within 100 ms and 5 s', () => {
    const policy = (webhookBackoffMs: number) => ({ webhookAttempts: 3, webhookBackoffMs, webhookMaxBackoffMs: webhookBackoffMs });
    expect(sweepIntervalMs(policy(10))).toBe(100);
    expect(sweepIntervalMs(policy(250))).toBe(250);
    expect(sweepIntervalMs(DEFAULT_CONTROL_PLANE_CONFIG)).toBe(5_000);
  });
});
