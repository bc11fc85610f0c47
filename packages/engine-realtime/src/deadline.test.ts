import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReplyDeadline } from './deadline.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('ReplyDeadline', () => {
  it('fails with the event awaited when nothing answers within the deadline', () => {
    vi.useFakeTimers();
    const timeouts: string[] = [];
    const d = new ReplyDeadline(1000, (awaited) => timeouts.push(awaited));
    d.expect('response.created');
    d.expect('session.updated');
    vi.advanceTimersByTime(999);
    expect(timeouts).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(timeouts).toEqual(['session.updated']);
    vi.advanceTimersByTime(5000);
    expect(timeouts).toHaveLength(1);
  });

  it('each answer restarts the deadline while more is owed; none owed, no timer', () => {
    vi.useFakeTimers();
    const timeouts: string[] = [];
    const d = new ReplyDeadline(1000, (awaited) => timeouts.push(awaited));
    d.expect('session.updated');
    d.expect('response.created');
    vi.advanceTimersByTime(800);
    d.answered('session.updated');
    expect(d.owed('response.created')).toBe(1);
    vi.advanceTimersByTime(800);
    expect(timeouts).toEqual([]);
    d.answered('response.created');
    expect(vi.getTimerCount()).toBe(0);
    // A response the vendor starts on its own owes nothing and arms nothing.
    d.answered('response.created');
    expect(d.owed('response.created')).toBe(0);
    d.expect('response.created');
    vi.advanceTimersByTime(1000);
    expect(timeouts).toEqual(['response.created']);
  });

  it('clear stops it for good; a bad deadline is refused', () => {
    vi.useFakeTimers();
    const timeouts: string[] = [];
    const d = new ReplyDeadline(1000, (awaited) => timeouts.push(awaited));
    d.expect('session.updated');
    d.clear();
    d.expect('session.updated');
    vi.advanceTimersByTime(2000);
    expect(timeouts).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    expect(() => new ReplyDeadline(0, () => undefined)).toThrow(RangeError);
  });
});
