import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PLAYBACK_DEFAULTS, PlaybackTracker } from './playback.ts';

let played: string[];
const tracker = () => new PlaybackTracker({ onPlayed: (name) => played.push(name), markGraceMs: 500, clearAckTimeoutMs: 300 });

beforeEach(() => {
  vi.useFakeTimers();
  played = [];
});
afterEach(() => {
  vi.useRealTimers();
});

describe('PlaybackTracker', () => {
  it('reports an acknowledged marker and every earlier one, in order, once', () => {
    const t = tracker();
    t.sent('a', 100);
    t.sent('b', 200);
    t.sent('c', 300);
    t.acked('b');
    expect(played).toEqual(['a', 'b']);
    t.acked('b');
    t.acked('unknown');
    expect(played).toEqual(['a', 'b']);
    expect(t.outstanding).toBe(1);
    vi.advanceTimersByTime(10_000);
    expect(played).toEqual(['a', 'b', 'c']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('falls back to the expected playout plus the grace when no acknowledgement comes', () => {
    const t = tracker();
    t.sent('late', 1000);
    vi.advanceTimersByTime(1499);
    expect(played).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(played).toEqual(['late']);
    t.acked('late'); // a late echo changes nothing
    expect(played).toEqual(['late']);
  });

  it('settles markers sent before a clear on the provider confirmation (clearedAudio)', () => {
    const t = tracker();
    t.sent('before', 5000);
    t.clear(['queued']);
    t.sent('after', 5000);
    t.cleared();
    expect(played).toEqual(['before', 'queued']);
    expect(t.outstanding).toBe(1);
  });

  it('settles them when the provider flushes marks back (Twilio), unsent ones right after', () => {
    const t = tracker();
    t.sent('m1', 5000);
    t.sent('m2', 5000);
    t.clear(['m3']);
    t.acked('m1');
    expect(played).toEqual(['m1']);
    t.acked('m2');
    expect(played).toEqual(['m1', 'm2', 'm3']);
  });

  it('settles them after the clear timeout when nothing confirms', () => {
    const t = tracker();
    t.sent('x', 60_000);
    t.clear();
    vi.advanceTimersByTime(299);
    expect(played).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(played).toEqual(['x']);
  });

  it('reports unsent markers at once (after the caller returns) when nothing is outstanding', async () => {
    const t = tracker();
    t.clear(['u1', 'u2']);
    expect(played).toEqual([]);
    await Promise.resolve();
    expect(played).toEqual(['u1', 'u2']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('bounds the markers it waits for', () => {
    const t = tracker();
    for (let i = 0; i <= PLAYBACK_DEFAULTS.maxOutstanding; i++) t.sent(`m${i}`, 1000);
    expect(played).toEqual(['m0']);
    expect(t.outstanding).toBe(PLAYBACK_DEFAULTS.maxOutstanding);
  });

  it('close forgets everything and clears its timers', () => {
    const t = tracker();
    t.sent('a', 100);
    t.clear();
    t.close();
    t.close();
    vi.advanceTimersByTime(10_000);
    t.acked('a');
    t.sent('b', 0);
    expect(played).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
