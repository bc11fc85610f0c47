import { describe, expect, it } from 'vitest';
import { CallerTurns, MAX_OPEN_CALLER_TURNS } from './caller-turns.ts';

describe('CallerTurns', () => {
  it('places the server VAD edges on the session clock through the audio appended so far', () => {
    const turns = new CallerTurns();
    // The first audio reached the vendor 300 ms into the session: 1 s of it by 1300.
    for (let at = 320; at <= 1300; at += 20) turns.appended(20, at);
    turns.started('item_1', 400);
    // More audio went out before the end of speech was reported.
    for (let at = 1320; at <= 1600; at += 20) turns.appended(20, at);
    turns.stopped('item_1', 1100);
    expect(turns.take('item_1', 1700)).toEqual({ start_ms: 700, end_ms: 1400 });
    // Taken once.
    expect(turns.take('item_1', 1800)).toEqual({ start_ms: 1800, end_ms: 1800 });
  });

  it('a turn whose end was not reported ends when its transcript came; a stop alone is an instant', () => {
    const turns = new CallerTurns();
    turns.appended(1000, 1000);
    turns.started('a', 200);
    expect(turns.take('a', 1500)).toEqual({ start_ms: 200, end_ms: 1500 });
    turns.stopped('b', 900);
    expect(turns.take('b', 1500)).toEqual({ start_ms: 900, end_ms: 900 });
  });

  it('forgets the oldest turns past MAX_OPEN_CALLER_TURNS', () => {
    const turns = new CallerTurns();
    turns.appended(10_000, 10_000);
    for (let i = 0; i <= MAX_OPEN_CALLER_TURNS; i++) turns.started(`item_${i}`, i * 100);
    expect(turns.take('item_0', 10_000)).toEqual({ start_ms: 10_000, end_ms: 10_000 });
    expect(turns.take('item_1', 10_000)).toEqual({ start_ms: 100, end_ms: 10_000 });
  });
});
