import { RecordingIO } from '@vr3/agent/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentAudioFeed } from './outbound.ts';
import { Playout } from './playout.ts';

const feeds: AgentAudioFeed[] = [];
afterEach(() => {
  for (const f of feeds.splice(0)) f.close();
});

/** A feed on a μ-law recording IO (8 bytes per ms). */
function feed(options: { aheadMs?: number; maxQueuedMs?: number } = {}) {
  const io = new RecordingIO({ encoding: 'mulaw', sampleRate: 8000 });
  const f = new AgentAudioFeed(io, 8, options);
  feeds.push(f);
  return { io, f, item: new Playout().item('item_1', 'resp_1') };
}

describe('AgentAudioFeed', () => {
  it('hands audio over only aheadMs ahead of playback, the rest as it plays; nothing is dropped', async () => {
    const { io, f, item } = feed({ aheadMs: 200 });
    for (let i = 0; i < 10; i++) f.audio(item, new Uint8Array(800).fill(i)); // 10 × 100 ms
    expect(io.audioBytes().length).toBe(1600); // 200 ms
    expect(f.queuedMs).toBe(800);
    expect(item).toMatchObject({ startMs: 0, sentMs: 200 });
    io.play(150);
    await expect.poll(() => io.audioBytes().length).toBe(3200); // 50 ms pending: two more 100 ms pieces
    // The caller keeps listening: everything is handed over in the end.
    for (let i = 0; i < 50 && io.audioBytes().length < 8000; i++) {
      io.play(1000);
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(io.audioBytes().length).toBe(8000);
    expect([...new Set(io.audioBytes())]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(f.queuedMs).toBe(0);
  });

  it('places a mark after the audio queued before it, not sooner', async () => {
    const { io, f, item } = feed({ aheadMs: 100 });
    f.audio(item, new Uint8Array(1600));
    f.audio(item, new Uint8Array(1600));
    f.mark('after');
    expect(io.marks).toEqual([]);
    io.play(200);
    await expect.poll(() => io.marks).toEqual(['after']);
    expect(io.audioBytes().length).toBe(3200);
  });

  it('pause takes back what was handed over after the position heard; resume plays it from there, marks renamed', async () => {
    const { io, f, item } = feed({ aheadMs: 300 });
    const audio = Buffer.from(Uint8Array.from({ length: 500 * 8 }, (_, i) => (i * 7) % 251));
    for (let off = 0; off < audio.length; off += 800) f.audio(item, audio.subarray(off, off + 800)); // 5 × 100 ms
    f.mark('item:0:a');
    expect(io.audioBytes().length).toBe(300 * 8);
    io.play(150);
    const { heardMs } = io.clear(); // the provider drops what it buffered
    expect(f.pause(heardMs, (name) => name.replace(':0:', ':1:'))).toEqual(['item:1:a']);
    expect(f.paused).toBe(true);
    expect(item.sentMs).toBe(150);
    expect(f.queuedMs).toBe(350);
    io.play(1000);
    await new Promise((r) => setTimeout(r, 50));
    expect(io.audioBytes().length).toBe(300 * 8); // nothing handed over while paused
    f.resume();
    for (let i = 0; i < 20 && io.marks.length === 0; i++) {
      io.play(1000);
      await new Promise((r) => setTimeout(r, 25));
    }
    // From 150 ms on, the same bytes again, to the end; then the mark under its new name.
    expect(io.audioBytes().subarray(300 * 8)).toEqual(audio.subarray(150 * 8));
    expect(io.marks).toEqual(['item:1:a']);
    expect(item).toMatchObject({ startMs: 0, sentMs: 500 });
  });

  it('a mark handed over before the pause and heard stays; one not yet heard is taken back', () => {
    const { io, f, item } = feed({ aheadMs: 1000 });
    f.audio(item, new Uint8Array(800));
    f.mark('first');
    f.audio(item, new Uint8Array(800));
    f.mark('second');
    expect(io.marks).toEqual(['first', 'second']);
    io.play(120);
    expect(f.pause(io.clear().heardMs, (name) => `${name}'`)).toEqual(["second'"]);
    expect(f.queuedMs).toBe(80);
  });

  it('clear drops what was not handed over; past maxQueuedMs new audio is dropped and counted', () => {
    const { io, f, item } = feed({ aheadMs: 100, maxQueuedMs: 500 });
    for (let i = 0; i < 8; i++) f.audio(item, new Uint8Array(800));
    expect(io.audioBytes().length).toBe(800);
    expect(f.queuedMs).toBe(500);
    expect(f.droppedMs).toBe(200);
    f.clear();
    expect(f.queuedMs).toBe(0);
    io.play(1000);
    expect(io.audioBytes().length).toBe(800);
  });
});
