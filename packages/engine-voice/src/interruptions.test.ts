import type { VadEvent } from '@vr3/vad';
import { describe, expect, it } from 'vitest';
import { InterruptionDetector, type InterruptionDetectorOptions } from './interruptions.ts';

const OPTIONS: InterruptionDetectorOptions = {
  enabled: true,
  minDurationMs: 500,
  onsetMs: 60,
  threshold: 0.7,
  stopThreshold: 0.55,
  minSilenceMs: 200,
  resumeAfterMs: 600,
  windowMs: 32,
};

/** Probability events of 32 ms windows from `fromMs`, one per entry of `ps`. */
const windows = (fromMs: number, ps: readonly number[]): VadEvent[] => ps.map((probability, i) => ({ type: 'probability', atMs: fromMs + i * 32, probability }));

describe('InterruptionDetector', () => {
  it('pauses after two speech windows over the agent and interrupts once the speech lasted min_duration_ms', () => {
    const d = new InterruptionDetector(OPTIONS);
    expect(d.update(windows(0, [0.1, 0.9]), true)).toEqual([]);
    expect(d.update(windows(64, [0.95]), true)).toEqual([{ type: 'pause', atMs: 32 }]);
    expect(d.paused).toBe(true);
    // A dip under the threshold but over the stop threshold is still speech.
    expect(d.update(windows(96, Array<number>(13).fill(0.6)), true)).toEqual([]);
    expect(d.update(windows(512, [0.9]), true)).toEqual([{ type: 'interrupt', atMs: 544, speechStartedAtMs: 32 }]);
    expect(d.paused).toBe(false);
  });

  it('a noise shorter than min_duration_ms resumes the agent once quiet, even when its trailing silence would reach it', () => {
    const d = new InterruptionDetector({ ...OPTIONS, minDurationMs: 300 });
    // 256 ms of speech; the silence runs past 300 ms from the onset before the gate ends the speech.
    expect(d.update([...windows(0, Array<number>(8).fill(0.9)), ...windows(256, Array<number>(7).fill(0.05))], true)).toEqual([{ type: 'pause', atMs: 0 }]);
    expect(d.paused).toBe(true);
    // Resumed 600 ms after the speech ended (the end of the window that reaches 856 ms).
    expect(d.update(windows(480, Array<number>(12).fill(0.05)), true)).toEqual([{ type: 'resume', atMs: 864 }]);
    expect(d.paused).toBe(false);
  });

  it('ignores the caller while the agent is silent, and everything when disabled', () => {
    const quiet = new InterruptionDetector(OPTIONS);
    expect(quiet.update(windows(0, Array<number>(30).fill(0.9)), false)).toEqual([]);
    const off = new InterruptionDetector({ ...OPTIONS, enabled: false });
    expect(off.update(windows(0, Array<number>(30).fill(0.9)), true)).toEqual([]);
  });
});
