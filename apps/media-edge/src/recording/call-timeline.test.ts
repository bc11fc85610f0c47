import { describe, expect, it } from 'vitest';
import { CallTimeline } from './call-timeline.ts';

const RATE = 8000;
const PER_MS = RATE / 1000;

/** A timeline on a hand-driven clock, collecting what it writes as separate channels. */
function harness(options: { holdbackMs?: number; maxPendingMs?: number } = {}) {
  let now = 1_000;
  const left: number[] = [];
  const right: number[] = [];
  const timeline = new CallTimeline({
    sampleRate: RATE,
    now: () => now,
    write: (interleaved) => {
      for (let i = 0; i < interleaved.length; i += 2) {
        left.push(interleaved[i]!);
        right.push(interleaved[i + 1]!);
      }
    },
    ...options,
  });
  return {
    timeline,
    left,
    right,
    at: (ms: number) => (now = 1_000 + ms),
  };
}

/** `ms` of a constant sample value. */
const tone = (ms: number, value: number) => new Int16Array(ms * PER_MS).fill(value);

/** Runs of equal values: `[[value, ms], …]`. */
function runs(samples: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const v of samples) {
    const last = out[out.length - 1];
    if (last && last[0] === v) last[1]++;
    else out.push([v, 1]);
  }
  return out.map(([v, n]) => [v, n / PER_MS]);
}

describe('CallTimeline', () => {
  it('places caller audio where it arrived and agent audio from when it was sent, both channels aligned', () => {
    const { timeline, left, right, at } = harness();
    for (let t = 20; t <= 400; t += 20) {
      at(t);
      timeline.callerAudio(tone(20, 100));
      if (t >= 200 && t < 300) timeline.agentAudio(tone(20, -200));
    }
    at(400);
    timeline.finish();
    expect(left.length).toBe(right.length);
    expect(runs(left)).toEqual([[100, 400]]);
    // Agent frames sent at 200..280 ms play from 200 to 300 ms.
    expect(runs(right)).toEqual([
      [0, 200],
      [-200, 100],
      [0, 100],
    ]);
    expect(timeline.frames).toBe(400 * PER_MS);
  });

  it('fills a gap in the caller audio with silence and keeps jittered frames in sequence', () => {
    const { timeline, left, at } = harness();
    at(20);
    timeline.callerAudio(tone(20, 1));
    at(45); // 5 ms late: within tolerance, appended
    timeline.callerAudio(tone(20, 2));
    at(300); // nothing for 235 ms: a gap
    timeline.callerAudio(tone(20, 3));
    timeline.finish();
    expect(runs(left)).toEqual([
      [1, 20],
      [2, 20],
      [0, 240],
      [3, 20],
    ]);
  });

  it('keeps only the agent audio played before a clear (barge-in)', () => {
    const { timeline, right, at } = harness();
    at(100);
    timeline.agentAudio(tone(1_000, 7)); // queued at the provider: plays 100..1100 ms
    at(400);
    timeline.clear(); // the caller barged in: 300 ms of it were heard
    at(600);
    timeline.agentAudio(tone(100, 9));
    at(800);
    timeline.finish();
    expect(runs(right)).toEqual([
      [0, 100],
      [7, 300],
      [0, 200],
      [9, 100],
    ]);
  });

  it('drops agent audio not played when the call ends, keeps late caller audio', () => {
    const { timeline, left, right, at } = harness();
    at(0);
    timeline.agentAudio(tone(500, 5));
    at(200);
    timeline.callerAudio(tone(200, 4));
    timeline.finish();
    expect(runs(right)).toEqual([[5, 200]]);
    expect(runs(left)).toEqual([[4, 200]]);
    at(900);
    timeline.callerAudio(tone(20, 4)); // after finish: ignored
    expect(left.length).toBe(200 * PER_MS);
  });

  it('writes as the clock advances (holdback) and never holds more than the pending bound', () => {
    const { timeline, left, at } = harness({ holdbackMs: 100, maxPendingMs: 500 });
    at(300);
    timeline.callerAudio(tone(20, 1));
    // At 300 ms, what is older than 200 ms is written: 200 ms of silence before the frame (280 ms) so far.
    expect(left.length).toBe(200 * PER_MS);
    timeline.agentAudio(tone(2_000, 2)); // far ahead of the clock: only 500 ms may wait
    expect(left.length).toBeGreaterThanOrEqual((300 + 2_000 - 500 - 0) * PER_MS);
  });
});
