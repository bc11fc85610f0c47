import { describe, expect, it } from 'vitest';
import { UtteranceCutter } from './utterances.ts';

/** `ms` of 8 kHz audio whose samples carry their stream time in ms (to check what was cut). */
function frames(fromMs: number, ms: number): Int16Array {
  const out = new Int16Array(ms * 8);
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(fromMs + i / 8);
  return out;
}

describe('UtteranceCutter', () => {
  it('cuts from speech_start − pre-roll to speech_end + endpointing silence, on the audio clock', () => {
    const cutter = new UtteranceCutter({ sampleRate: 8000, silenceMs: 300, preRollMs: 200 });
    for (let t = 0; t < 1000; t += 20) cutter.pushAudio(frames(t, 20));
    cutter.edge({ type: 'speech_start', atMs: 500 });
    for (let t = 1000; t < 1500; t += 20) cutter.pushAudio(frames(t, 20));
    cutter.edge({ type: 'speech_end', atMs: 1400 });
    expect(cutter.take()).toBeUndefined(); // 100 ms of the 300 ms so far
    for (let t = 1500; t < 1700; t += 20) cutter.pushAudio(frames(t, 20));
    expect(cutter.take(1680)).toBeUndefined(); // the VAD lags behind the audio
    expect(cutter.take(1700, false)).toBeUndefined(); // 300 ms of silence, but a run of speech is under way in it
    const utterance = cutter.take(1700, true)!;
    expect(utterance.length).toBe((1700 - 300) * 8);
    expect(utterance[0]).toBe(300);
    expect(utterance[utterance.length - 1]).toBe(1699);
    expect(cutter.inUtterance).toBe(false);
  });

  it('a new speech_start during the endpointing silence continues the utterance', () => {
    const cutter = new UtteranceCutter({ sampleRate: 8000, silenceMs: 300, preRollMs: 0 });
    cutter.edge({ type: 'speech_start', atMs: 0 });
    for (let t = 0; t < 600; t += 20) cutter.pushAudio(frames(t, 20));
    cutter.edge({ type: 'speech_end', atMs: 400 });
    for (let t = 600; t < 820; t += 20) cutter.pushAudio(frames(t, 20));
    // 400 ms of audio past the end, but the VAD has a run of speech under way since 550 ms, not long enough to report.
    expect(cutter.take(820, false)).toBeUndefined();
    cutter.edge({ type: 'speech_start', atMs: 550 });
    for (let t = 820; t < 2100; t += 20) cutter.pushAudio(frames(t, 20));
    expect(cutter.take()).toBeUndefined();
    cutter.edge({ type: 'speech_end', atMs: 1500 });
    expect(cutter.take()!.length).toBe(1800 * 8);
  });

  it('keeps only the pre-roll and the VAD lag while quiet, and at most maxBufferedMs in an utterance', () => {
    const cutter = new UtteranceCutter({ sampleRate: 8000, silenceMs: 0, preRollMs: 100, edgeLagMs: 100, maxBufferedMs: 1000 });
    for (let t = 0; t < 5000; t += 20) cutter.pushAudio(frames(t, 20));
    cutter.edge({ type: 'speech_start', atMs: 4950 });
    for (let t = 5000; t < 8000; t += 20) cutter.pushAudio(frames(t, 20));
    cutter.edge({ type: 'speech_end', atMs: 8000 });
    const utterance = cutter.take()!;
    expect(utterance.length).toBeLessThanOrEqual(1020 * 8);
    expect(utterance[utterance.length - 1]).toBe(7999);
  });
});
