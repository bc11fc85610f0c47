import { describe, expect, it } from 'vitest';
import { heardEndAt, heardShare, MAX_PLAYOUT_ITEMS, Playout } from './playout.ts';

describe('Playout', () => {
  it('cuts the item being heard at the heard offset, items after it at 0, and returns items heard to their end', () => {
    const p = new Playout();
    const first = p.item('a', 'r1');
    Object.assign(first, { startMs: 0, audioMs: 1000, sentMs: 1000, transcript: 'First reply.', complete: true });
    const second = p.item('b', 'r2');
    Object.assign(second, { startMs: 1000, audioMs: 2000, sentMs: 2000, transcript: 'One two three four five six.', complete: true });
    const third = p.item('c', 'r3');
    Object.assign(third, { startMs: 3000, audioMs: 500, sentMs: 0, transcript: 'Never heard.' });
    const { played, cut } = p.cutAt(1700.6);
    expect(played.map((i) => i.itemId)).toEqual(['a']);
    expect(cut).toEqual([
      { itemId: 'b', responseId: 'r2', audioEndMs: 700, heardText: 'One two', fullText: 'One two three four five six.' },
      { itemId: 'c', responseId: 'r3', audioEndMs: 0, heardText: '', fullText: 'Never heard.' },
    ]);
    expect(p.size).toBe(0);
  });

  it('an item heard to its end ended when the playback passed it: the audio heard after it is taken off', () => {
    const p = new Playout();
    const item = Object.assign(p.item('a', 'r1'), { startMs: 1000, audioMs: 500, sentMs: 500, complete: true });
    expect(heardEndAt(item, 1500, 9000)).toBe(9000);
    expect(heardEndAt(item, 1800, 9000)).toBe(8700);
  });

  it('playedAt forgets and returns only the complete items heard to their end (a pause: the rest may resume)', () => {
    const p = new Playout();
    Object.assign(p.item('a', 'r1'), { startMs: 0, audioMs: 500, sentMs: 500, transcript: 'Done.', complete: true });
    Object.assign(p.item('b', 'r2'), { startMs: 500, audioMs: 1000, sentMs: 1000, transcript: 'Half heard.', complete: true });
    Object.assign(p.item('c', 'r3'), { startMs: 200, audioMs: 100, sentMs: 100, transcript: 'Streaming.' });
    expect(p.playedAt(900).map((i) => i.itemId)).toEqual(['a']);
    expect(p.size).toBe(2);
    expect(p.get('b')).toBeDefined();
  });

  it('an item still streaming is cut even when all of its audio so far was heard', () => {
    const p = new Playout();
    Object.assign(p.item('a', 'r1'), { startMs: 200, audioMs: 300, sentMs: 300, transcript: 'Hello there' });
    expect(p.cutAt(900).cut).toEqual([{ itemId: 'a', responseId: 'r1', audioEndMs: 300, heardText: 'Hello there', fullText: 'Hello there' }]);
  });

  it('audio not yet handed over was not heard; the transcript is cut by the share of all audio received', () => {
    const p = new Playout();
    Object.assign(p.item('a', 'r1'), { startMs: 0, audioMs: 2000, sentMs: 1000, transcript: 'One two three four', complete: true });
    expect(p.cutAt(1000).cut).toEqual([{ itemId: 'a', responseId: 'r1', audioEndMs: 1000, heardText: 'One two', fullText: 'One two three four' }]);
  });

  it('is bounded: the oldest item is forgotten past the limit', () => {
    const p = new Playout();
    for (let i = 0; i <= MAX_PLAYOUT_ITEMS; i++) p.item(`i${i}`, 'r');
    expect(p.size).toBe(MAX_PLAYOUT_ITEMS);
    expect(p.get('i0')).toBeUndefined();
  });
});

describe('heardShare', () => {
  it('keeps the whole words of the played share', () => {
    expect(heardShare('One two three four', 500, 1000)).toBe('One two');
    expect(heardShare('One two three four', 1000, 1000)).toBe('One two three four');
    expect(heardShare('One two three four', 0, 1000)).toBe('');
    expect(heardShare('Supercalifragilistic', 500, 1000)).toBe('');
    expect(heardShare('Hi', 10, 0)).toBe('');
  });
});
