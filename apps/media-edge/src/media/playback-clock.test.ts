import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OutboundPacer } from './pacer.ts';
import { EdgePlaybackClock } from './playback-clock.ts';

let t = 0;
const now = () => t;

/** The clock over a real pacer (20 ms frames, one frame of lead by default), both on the injected clock. */
function setup(leadFrames = 1, maxFrames = 100) {
  let framesSent = 0;
  let frameDrops = 0;
  let edgeCarryMs = 0;
  const pacer = new OutboundPacer(
    {
      sendAudio: () => void framesSent++,
      sendMark: () => undefined,
      dropped: () => {
        frameDrops++;
        clock.discarded(20);
      },
    },
    { maxFrames, leadFrames, now },
  );
  const clock = new EdgePlaybackClock({ queuedMs: () => pacer.queuedFrames * 20 + edgeCarryMs, playoutRemainingMs: () => pacer.playoutRemainingMs() }, now);
  /** The engine sends `ms` of audio (whole 20 ms frames). */
  const send = (ms: number) => {
    clock.accepted(ms);
    for (let i = 0; i < ms / 20; i++) pacer.pushAudio(Buffer.alloc(160));
  };
  /** Moves the clock, firing the pacer's timers that are due. */
  const advance = (ms: number) => {
    const end = t + ms;
    while (t < end) {
      t = Math.min(end, t + 5);
      vi.advanceTimersByTime(5);
    }
  };
  return {
    clock,
    pacer,
    send,
    advance,
    sent: () => framesSent,
    drops: () => frameDrops,
    setCarry: (ms: number) => (edgeCarryMs = ms),
  };
}

beforeEach(() => {
  vi.useFakeTimers();
  t = 10_000;
});
afterEach(() => {
  vi.useRealTimers();
});

describe('EdgePlaybackClock', () => {
  it('advances in real time with the pacer: sent at once, heard as it plays', () => {
    const { clock, send, advance } = setup();
    send(200);
    expect(clock.sentMs()).toBe(200);
    expect(clock.heardMs()).toBe(0);
    expect(clock.pendingMs()).toBe(200);
    advance(50);
    expect(clock.heardMs()).toBe(50);
    advance(100);
    expect(clock.heardMs()).toBe(150);
    advance(500);
    expect(clock.heardMs()).toBe(200);
    expect(clock.pendingMs()).toBe(0);
  });

  it('counts a partial frame held at the edge as not heard', () => {
    const { clock, send, advance, setCarry } = setup();
    send(40);
    clock.accepted(10);
    setCarry(10);
    advance(100);
    expect(clock.heardMs()).toBe(40);
    expect(clock.pendingMs()).toBe(10);
  });

  it('clear returns what was heard and what it cut off (queued at the edge plus buffered at the provider), and the timeline goes on from there', () => {
    const { clock, pacer, send, advance } = setup(3); // 40 ms ahead of real time
    send(1000);
    advance(130);
    const result = clock.clear();
    pacer.clear();
    expect(result).toEqual({ heardMs: 130, discardedMs: 870 });
    expect(clock.sentMs()).toBe(130);
    expect(clock.pendingMs()).toBe(0);
    send(100);
    expect(clock.sentMs()).toBe(230);
    advance(40);
    expect(clock.heardMs()).toBe(170);
  });

  it('a provider mark acknowledgement corrects a provider that plays later than the pacer assumes', () => {
    const { clock, send, advance } = setup();
    send(100);
    clock.marked('m1');
    send(300);
    advance(150);
    expect(clock.heardMs()).toBe(150); // the pacer's view
    // The provider only now finished the audio before m1 (it buffered 50 ms more than assumed).
    clock.acked('m1');
    advance(10);
    expect(clock.heardMs()).toBe(150); // never goes back: holds until the corrected position passes it
    advance(60);
    expect(clock.heardMs()).toBe(170); // 100 + 70 ms since the acknowledgement
    advance(1000);
    expect(clock.heardMs()).toBe(400); // and reaches everything once played
  });

  it('an acknowledgement ahead of the pacer moves heard forward; unknown or pre-clear marks change nothing', () => {
    const { clock, send, advance } = setup();
    send(200);
    clock.marked('a');
    send(200);
    advance(20);
    clock.acked('a');
    expect(clock.heardMs()).toBe(200);
    clock.acked('nope');
    clock.marked('b');
    clock.clear();
    clock.acked('b');
    expect(clock.heardMs()).toBe(200);
  });

  it('frames dropped by the bounded queue are never waited for', () => {
    const { clock, send, advance, drops } = setup(1, 10);
    send(400); // 20 frames into a queue of 10: the oldest are dropped
    expect(drops()).toBeGreaterThan(0);
    expect(clock.sentMs()).toBe(400 - 20 * drops());
    advance(1000);
    expect(clock.pendingMs()).toBe(0);
    expect(clock.heardMs()).toBe(clock.sentMs());
  });
});
