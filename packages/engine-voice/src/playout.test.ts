import { RecordingIO } from '@vr3/agent/testing';
import { describe, expect, it } from 'vitest';
import { TurnPlayout } from './playout.ts';

const FORMAT = { encoding: 'pcm16le', sampleRate: 16_000 } as const;
/** `ms` of PCM16 at 16 kHz whose bytes all equal `fill`. */
const audio = (ms: number, fill: number) => new Uint8Array(ms * 32).fill(fill);

describe('TurnPlayout', () => {
  it('sends at most the lead ahead of playback, marks each segment and the turn end, and ends once played', () => {
    const io = new RecordingIO(FORMAT);
    const p = new TurnPlayout(io, { bytesPerMs: 32, leadMs: 300 });
    p.begin();
    for (let i = 0; i < 5; i++) p.send(audio(100, i));
    p.segmentEnd();
    p.end();
    expect(io.playback.sentMs()).toBe(300);
    expect(io.marks).toEqual([]);
    io.play(250);
    p.pump();
    expect(io.playback.sentMs()).toBe(500);
    expect(io.marks).toHaveLength(2); // the segment's and the turn's
    expect(p.playedOut).toBe(false);
    expect(p.played(io.marks[1]!)).toBe(true);
    io.play(250);
    expect(p.playedOut).toBe(true);
    p.close();
  });

  it('closing a turn that still plays sends the rest at once (the next turn queues behind it)', () => {
    const io = new RecordingIO(FORMAT);
    const p = new TurnPlayout(io, { bytesPerMs: 32, leadMs: 200 });
    p.begin();
    for (let i = 0; i < 5; i++) p.send(audio(100, i));
    p.end();
    expect(io.playback.sentMs()).toBe(200);
    p.close();
    expect(io.audioBytes()).toEqual(Buffer.concat([0, 1, 2, 3, 4].map((i) => audio(100, i))));
    expect(p.open).toBe(false);
  });

  it('a pause clears what was not heard; resume sends it again from there; stop tells what was heard', () => {
    const io = new RecordingIO(FORMAT);
    const p = new TurnPlayout(io, { bytesPerMs: 32, leadMs: 10_000 });
    p.begin();
    p.send(audio(100, 1));
    p.send(audio(100, 2));
    io.play(150);
    p.pause();
    expect(io.clears).toBe(1);
    expect(p.heardMs()).toBe(150);
    p.send(audio(100, 3)); // held while paused
    expect(io.playback.sentMs()).toBe(150);
    p.resume();
    const resent = Buffer.concat(io.audio.slice(2));
    expect(resent).toEqual(Buffer.concat([audio(50, 2), audio(100, 3)]));
    io.play(60);
    expect(p.stop()).toBe(210);
    expect(io.clears).toBe(2);
    expect(p.open).toBe(false);
  });

  it('knows when the turn\'s first audio went out (on its clock) and how much of it is still unheard', () => {
    const io = new RecordingIO(FORMAT);
    let t = 1000;
    const p = new TurnPlayout(io, { bytesPerMs: 32, leadMs: 10_000, now: () => t });
    p.begin();
    expect(p.firstSentAt).toBeUndefined();
    t = 1200;
    p.send(audio(100, 1));
    t = 1300;
    p.send(audio(100, 2));
    expect(p.firstSentAt).toBe(1200);
    io.play(50);
    expect(p.unheardMs).toBe(150);
    p.close();
    expect(p.unheardMs).toBe(0);
    p.begin();
    expect(p.firstSentAt).toBeUndefined();
  });
});
