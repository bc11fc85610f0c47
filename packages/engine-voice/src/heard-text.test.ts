import { describe, expect, it } from 'vitest';
import { characterTimings, heardText, wordTimings, type SpokenSegment } from './heard-text.ts';

const turn: SpokenSegment[] = [
  { text: 'Your order ships tomorrow.', audioMs: 2000 },
  { text: 'It should arrive by Friday.', audioMs: 2000 },
];

describe('heardText', () => {
  it('keeps whole segments played to their end and the played share of the current one, in whole words', () => {
    expect(heardText(turn, 0)).toEqual({ text: '', complete: false });
    expect(heardText(turn, 2000)).toEqual({ text: 'Your order ships tomorrow.', complete: false });
    // 1000 of 2000 ms of 'It should arrive by Friday.' (27 chars) → 13 chars: 'It should arr' → 'It should'.
    expect(heardText(turn, 3000)).toEqual({ text: 'Your order ships tomorrow. It should', complete: false });
    expect(heardText(turn, 4000)).toEqual({ text: 'Your order ships tomorrow. It should arrive by Friday.', complete: true });
    expect(heardText(turn, 9000).complete).toBe(true);
  });

  it('uses the TTS timings when given: per word', () => {
    const text = 'It should arrive by Friday.';
    const timings = wordTimings(text, ['It', 'should', 'arrive', 'by', 'Friday.'], [150, 500, 1100, 1300, 1900]);
    const segs: SpokenSegment[] = [{ text, audioMs: 2000, timings }];
    expect(heardText(segs, 1099).text).toBe('It should');
    expect(heardText(segs, 1100).text).toBe('It should arrive');
    expect(heardText(segs, 140).text).toBe('');
  });

  it('uses per-character timings and never keeps half a word', () => {
    const text = 'Hello there';
    const chars = [...text];
    const timings = characterTimings(
      chars,
      chars.map((_, i) => i * 100),
      chars.map(() => 100),
    );
    const segs: SpokenSegment[] = [{ text, audioMs: 1100, timings }];
    expect(heardText(segs, 500).text).toBe('Hello'); // 'Hello' ends at 500 ms
    expect(heardText(segs, 800).text).toBe('Hello'); // 'the' of 'there': not a whole word
    expect(heardText(segs, 1100).text).toBe('Hello there');
  });

  it('locates words in order and skips words the text does not hold', () => {
    expect(wordTimings('a b a', ['a', 'x', 'a'], [10, 20, 30])).toEqual([
      { endChar: 1, endMs: 10 },
      { endChar: 5, endMs: 30 },
    ]);
  });
});
