import { describe, expect, it } from 'vitest';
import { SpeechGate, type SpeechEdge } from './speech-gate.ts';

const OPTS = { threshold: 0.7, stopThreshold: 0.55, minSpeechMs: 200, minSilenceMs: 200 };

/** Feeds 32 ms windows with these probabilities from t = 0; returns the edges with the window index that produced them. */
function feed(gate: SpeechGate, probabilities: readonly number[], windowMs = 32): Array<SpeechEdge & { window: number }> {
  const out: Array<SpeechEdge & { window: number }> = [];
  probabilities.forEach((p, i) => {
    const edge = gate.update(p, i * windowMs, windowMs);
    if (edge) out.push({ ...edge, window: i });
  });
  return out;
}

const rep = (p: number, n: number): number[] => Array.from({ length: n }, () => p);

describe('SpeechGate', () => {
  it('confirms speech after minSpeechMs of windows over the threshold, dated at the first of them', () => {
    const gate = new SpeechGate(OPTS);
    // 3 quiet windows, then speech: 7 × 32 ms = 224 ms ≥ 200 ms confirms on the 7th speech window.
    const edges = feed(gate, [...rep(0.1, 3), ...rep(0.9, 10)]);
    expect(edges).toEqual([{ type: 'speech_start', atMs: 96, window: 9 }]);
    expect(gate.speaking).toBe(true);
  });

  it('drops a start that a window under the threshold interrupts (no event)', () => {
    const gate = new SpeechGate(OPTS);
    const edges = feed(gate, [...rep(0.9, 5), 0.6, ...rep(0.9, 6), 0.1]);
    expect(edges).toEqual([]);
    expect(gate.speaking).toBe(false);
  });

  it('holds speech while the probability stays at or above the stop threshold (hysteresis)', () => {
    const gate = new SpeechGate(OPTS);
    const edges = feed(gate, [...rep(0.9, 7), ...rep(0.56, 20), ...rep(0.55, 5)]);
    expect(edges).toEqual([{ type: 'speech_start', atMs: 0, window: 6 }]);
    expect(gate.speaking).toBe(true);
  });

  it('ends speech after minSilenceMs under the stop threshold, dated where the silence began', () => {
    const gate = new SpeechGate(OPTS);
    // Speech windows 0–9, silence from window 10 (320 ms); 7 silent windows confirm on window 16.
    const edges = feed(gate, [...rep(0.9, 10), ...rep(0.2, 10)]);
    expect(edges).toEqual([
      { type: 'speech_start', atMs: 0, window: 6 },
      { type: 'speech_end', atMs: 320, window: 16 },
    ]);
    expect(gate.speaking).toBe(false);
  });

  it('is quiet only when no run of speech is in progress, reported or not', () => {
    const gate = new SpeechGate(OPTS);
    expect(gate.quiet).toBe(true);
    feed(gate, rep(0.9, 3)); // 96 ms of speech: too short to report, but under way
    expect(gate.speaking).toBe(false);
    expect(gate.quiet).toBe(false);
    gate.update(0.1, 96, 32); // the run is dropped
    expect(gate.quiet).toBe(true);
    feed(gate, rep(0.9, 7)); // confirmed
    expect(gate.quiet).toBe(false);
    gate.update(0.1, 224, 32); // stopping: still speaking
    expect(gate.quiet).toBe(false);
    gate.reset();
    expect(gate.quiet).toBe(true);
  });

  it('a pause shorter than minSilenceMs does not end speech', () => {
    const gate = new SpeechGate(OPTS);
    const edges = feed(gate, [...rep(0.9, 8), ...rep(0.1, 6), ...rep(0.9, 8), ...rep(0.1, 7)]);
    expect(edges.map((e) => [e.type, e.atMs])).toEqual([
      ['speech_start', 0],
      ['speech_end', 22 * 32],
    ]);
  });

  it('with zero durations reacts on the first window', () => {
    const gate = new SpeechGate({ ...OPTS, minSpeechMs: 0, minSilenceMs: 0 });
    expect(feed(gate, [0.1, 0.8, 0.1])).toEqual([
      { type: 'speech_start', atMs: 32, window: 1 },
      { type: 'speech_end', atMs: 64, window: 2 },
    ]);
  });

  it('flush closes open speech at the end of the last window, or where a short silence began', () => {
    const speaking = new SpeechGate(OPTS);
    feed(speaking, rep(0.9, 10));
    expect(speaking.flush()).toEqual({ type: 'speech_end', atMs: 320 });
    expect(speaking.speaking).toBe(false);

    const pausing = new SpeechGate(OPTS);
    feed(pausing, [...rep(0.9, 10), ...rep(0.1, 3)]);
    expect(pausing.flush()).toEqual({ type: 'speech_end', atMs: 320 });

    const quiet = new SpeechGate(OPTS);
    feed(quiet, rep(0.9, 3));
    expect(quiet.flush()).toBeUndefined();
  });

  it('reset forgets a run in progress without an event', () => {
    const gate = new SpeechGate(OPTS);
    feed(gate, rep(0.9, 10));
    gate.reset();
    expect(gate.speaking).toBe(false);
    expect(gate.update(0.1, 400, 32)).toBeUndefined();
    expect(gate.flush()).toBeUndefined();
  });
});
