import { describe, expect, it } from 'vitest';
import { BargeIn } from './barge-in.ts';

describe('BargeIn', () => {
  it('pauses at speech onset and confirms the interruption once speech lasts the minimum', () => {
    const b = new BargeIn({ enabled: true, minDurationMs: 500 });
    b.agentStarted();
    expect(b.speechStarted(1000)).toEqual([{ type: 'pause', atMs: 1000 }]);
    expect(b.paused).toBe(true);
    expect(b.tick(1499)).toEqual([]);
    expect(b.tick(1500)).toEqual([{ type: 'interrupt', atMs: 1500, speechStartedAtMs: 1000 }]);
    expect(b.tick(1600)).toEqual([]);
    expect(b.speechStopped(2000)).toEqual([]);
  });

  it('confirms at once when the speech-to-text hears words', () => {
    const b = new BargeIn();
    b.agentStarted();
    b.speechStarted(100);
    expect(b.wordsHeard(250)).toEqual([{ type: 'interrupt', atMs: 250, speechStartedAtMs: 100 }]);
  });

  it('resumes once quiet after a short noise without words (false interruption), and can be paused again', () => {
    const b = new BargeIn({ enabled: true, minDurationMs: 500, resumeAfterMs: 600 });
    b.agentStarted();
    b.speechStarted(1000);
    expect(b.speechStopped(1200)).toEqual([]);
    expect(b.tick(1799)).toEqual([]);
    expect(b.paused).toBe(true);
    expect(b.tick(1800)).toEqual([{ type: 'resume', atMs: 1800 }]);
    expect(b.paused).toBe(false);
    expect(b.tick(5000)).toEqual([]);
    expect(b.speechStarted(3000)).toEqual([{ type: 'pause', atMs: 3000 }]);
    expect(b.speechStopped(3600)).toEqual([{ type: 'interrupt', atMs: 3600, speechStartedAtMs: 3000 }]);
  });

  it('speech again before the resume is the same attempt: its duration counts from the first onset', () => {
    const b = new BargeIn({ enabled: true, minDurationMs: 500, resumeAfterMs: 600 });
    b.agentStarted();
    expect(b.speechStarted(0)).toEqual([{ type: 'pause', atMs: 0 }]);
    expect(b.speechStopped(300)).toEqual([]); // "Oh,"
    expect(b.speechStarted(450)).toEqual([]); // "wait, …"
    expect(b.tick(499)).toEqual([]);
    expect(b.tick(520, 500)).toEqual([{ type: 'interrupt', atMs: 500, speechStartedAtMs: 0 }]);
  });

  it('a silence not yet long enough to end the speech does not count toward an interruption', () => {
    const b = new BargeIn({ enabled: true, minDurationMs: 500 });
    b.agentStarted();
    b.speechStarted(0);
    expect(b.tick(700, 350)).toEqual([]);
    expect(b.speechStopped(350)).toEqual([]);
  });

  it('ignores the caller while the agent is silent, and everything when disabled', () => {
    const idle = new BargeIn();
    expect(idle.speechStarted(0)).toEqual([]);
    expect(idle.tick(10_000)).toEqual([]);
    const off = new BargeIn({ enabled: false, minDurationMs: 500 });
    off.agentStarted();
    expect(off.speechStarted(0)).toEqual([]);
    expect(off.tick(10_000)).toEqual([]);
    expect(off.wordsHeard(10)).toEqual([]);
  });

  it('a turn that ends while paused leaves nothing pending', () => {
    const b = new BargeIn();
    b.agentStarted();
    b.speechStarted(0);
    b.agentStopped();
    expect(b.tick(1000)).toEqual([]);
    expect(b.speechStopped(1200)).toEqual([]);
  });
});
