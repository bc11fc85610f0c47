import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OutboundPacer, type PacerSink } from './pacer.ts';

let t = 0;
let sent: string[];
let dropped: number;
const sink: PacerSink = {
  sendAudio: (frame) => sent.push(frame.toString()),
  sendMark: (name) => sent.push(`mark:${name}`),
  dropped: () => dropped++,
};
const frame = (n: number) => Buffer.from(`f${n}`);
const pacer = (maxFrames = 100, leadFrames = 3) => new OutboundPacer(sink, { maxFrames, leadFrames, now: () => t });
/** Moves the clock to `at` and fires the pacer's timer there (late when `at` is past its due time). */
const fireAt = (at: number) => {
  t = at;
  vi.advanceTimersToNextTimer();
};

beforeEach(() => {
  vi.useFakeTimers();
  t = 1000;
  sent = [];
  dropped = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

describe('OutboundPacer', () => {
  it('sends the lead at once, then one frame per 20 ms from a drift-free clock', () => {
    const p = pacer();
    for (let i = 0; i < 10; i++) p.pushAudio(frame(i));
    expect(sent).toEqual(['f0', 'f1', 'f2']);
    fireAt(1020);
    expect(sent).toHaveLength(4);
    // The timer fires 35 ms late: the frames due by then go together, the schedule does not drift.
    fireAt(1075);
    expect(sent).toHaveLength(6); // f4 due at 1040, f5 at 1060
    expect(vi.getTimerCount()).toBe(1);
    fireAt(1080);
    expect(sent).toHaveLength(7);
    fireAt(1100);
    expect(sent).toHaveLength(8);
    expect(p.queuedFrames).toBe(2);
  });

  it('a real-time stream goes out frame by frame as it arrives, without a timer or a queue', () => {
    const p = pacer();
    let idle = 0;
    for (let i = 0; i < 50; i++) {
      t = 1000 + i * 20 + (i % 3); // a little jitter, never early
      p.pushAudio(frame(i));
      expect(sent).toHaveLength(i + 1);
      expect(p.queuedFrames).toBe(0);
      p.whenIdle(() => idle++);
    }
    expect(idle).toBe(50);
    expect(vi.getTimerCount()).toBe(0);
    // A frame ahead of the lead still waits for its time.
    for (let i = 50; i < 54; i++) p.pushAudio(frame(i));
    expect(sent).toHaveLength(52);
    expect(vi.getTimerCount()).toBe(1);
  });

  it('catches up after a late timer instead of restarting the clock', () => {
    const p = pacer();
    for (let i = 0; i < 10; i++) p.pushAudio(frame(i));
    fireAt(1020); // 4 frames sent: the provider plays until 1080
    fireAt(1090); // 10 ms dry: f4..f6 (due 1040..1080) go at once, f7 stays on the old clock
    expect(sent).toHaveLength(7);
    fireAt(1100);
    expect(sent).toHaveLength(8);
  });

  it('a late burst of arrivals goes out at once and leaves no lasting delay', () => {
    const p = pacer();
    let n = 0;
    for (; n < 5; n++) {
      t = 1000 + n * 20;
      p.pushAudio(frame(n));
      expect(p.queuedFrames).toBe(0);
    }
    // A 100 ms stall upstream: frames 5..9 arrive together.
    t = 1000 + 9 * 20 + 1;
    for (; n < 10; n++) p.pushAudio(frame(n));
    expect(p.queuedFrames).toBe(0);
    // Back on time: every frame still leaves on arrival.
    for (; n < 20; n++) {
      t = 1000 + n * 20;
      p.pushAudio(frame(n));
      expect(p.queuedFrames).toBe(0);
    }
    expect(sent).toHaveLength(20);
  });

  it('restarts the clock after the queue ran dry and playout finished', () => {
    const p = pacer(100, 1);
    p.pushAudio(frame(0));
    p.pushAudio(frame(1));
    expect(sent).toEqual(['f0']);
    fireAt(1020);
    expect(sent).toEqual(['f0', 'f1']);
    expect(vi.getTimerCount()).toBe(0);
    t = 5000; // long silence
    p.pushAudio(frame(2));
    expect(sent).toHaveLength(3); // at once, not in a catch-up burst
    p.pushAudio(frame(3));
    expect(sent).toHaveLength(3);
    fireAt(5020);
    expect(sent).toHaveLength(4);
  });

  it('keeps pacing when audio arrives before the previous audio finished playing', () => {
    const p = pacer(100, 1);
    p.pushAudio(frame(0));
    t = 1010; // f0 still playing until 1020
    p.pushAudio(frame(1));
    expect(sent).toEqual(['f0']);
    fireAt(1020);
    expect(sent).toEqual(['f0', 'f1']);
  });

  it('sends a mark right after the audio queued before it', () => {
    const p = pacer(100, 1);
    p.pushMark('idle'); // nothing queued: goes at once
    p.pushAudio(frame(0));
    p.pushAudio(frame(1));
    p.pushMark('m');
    p.pushAudio(frame(2));
    expect(sent).toEqual(['mark:idle', 'f0']);
    fireAt(1020);
    expect(sent).toEqual(['mark:idle', 'f0', 'f1', 'mark:m']);
    fireAt(1040);
    expect(sent).toEqual(['mark:idle', 'f0', 'f1', 'mark:m', 'f2']);
  });

  it('drops the oldest frames beyond maxFrames, counting them, and keeps mark order', () => {
    const p = pacer(2, 1);
    p.pushAudio(frame(0)); // sent
    p.pushAudio(frame(1));
    p.pushMark('m');
    p.pushAudio(frame(2));
    p.pushAudio(frame(3)); // f1 dropped
    p.pushAudio(frame(4)); // the mark goes, f2 dropped
    expect(dropped).toBe(2);
    expect(sent).toEqual(['f0', 'mark:m']);
    fireAt(1020);
    fireAt(1040);
    expect(sent).toEqual(['f0', 'mark:m', 'f3', 'f4']);
  });

  it('clear drops the queue, returns unsent marks, cancels the timer and settles idle waiters', () => {
    const p = pacer(100, 1);
    p.pushAudio(frame(0));
    p.pushAudio(frame(1));
    p.pushMark('a');
    const idle = vi.fn();
    p.whenIdle(idle);
    expect(p.clear()).toEqual(['a']);
    expect(idle).toHaveBeenCalledOnce();
    expect(vi.getTimerCount()).toBe(0);
    expect(p.queuedFrames).toBe(0);
  });

  it('stop drops everything for good', () => {
    const p = pacer();
    for (let i = 0; i < 5; i++) p.pushAudio(frame(i));
    p.stop();
    p.pushAudio(frame(9));
    p.pushMark('x');
    expect(sent).toEqual(['f0', 'f1', 'f2']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reports the playout still owed to the provider', () => {
    const p = pacer(100, 3);
    for (let i = 0; i < 3; i++) p.pushAudio(frame(i));
    expect(p.playoutRemainingMs()).toBe(60);
    t += 50;
    expect(p.playoutRemainingMs()).toBe(10);
  });
});

describe('OutboundPacer with provider-sized chunks', () => {
  it('paces 200 ms chunks (Exotel at 8 kHz) with the lead counted in 20 ms frames', () => {
    const p = new OutboundPacer(sink, { maxFrames: 100, leadFrames: 3, frameMs: 200, now: () => t });
    for (let i = 0; i < 4; i++) p.pushAudio(frame(i));
    expect(sent).toEqual(['f0']); // the next one is due 40 ms before f0 has played
    fireAt(1160);
    expect(sent).toEqual(['f0', 'f1']);
    fireAt(1360);
    expect(sent).toHaveLength(3);
    expect(p.playoutRemainingMs()).toBe(240);
  });
});
