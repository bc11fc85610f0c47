import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DtmfCollector } from './dtmf.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('DtmfCollector', () => {
  it('sends the keys together after the pause, at once on #, and at the cap', () => {
    const sent: string[] = [];
    const keys = new DtmfCollector((d) => sent.push(d), { debounceMs: 1500, maxDigits: 4 });
    keys.press('1');
    vi.advanceTimersByTime(1000);
    keys.press('2');
    vi.advanceTimersByTime(1499);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual(['12']);
    keys.press('3');
    keys.press('#');
    expect(sent).toEqual(['12', '3#']);
    for (const d of '98765') keys.press(d);
    expect(sent).toEqual(['12', '3#', '9876']);
    keys.close();
    vi.advanceTimersByTime(5000);
    expect(sent).toEqual(['12', '3#', '9876']);
  });
});
