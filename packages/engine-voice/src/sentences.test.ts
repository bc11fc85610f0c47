import { describe, expect, it } from 'vitest';
import { SentenceChunker } from './sentences.ts';

/** Feeds `text` in pieces of `size` characters; returns every piece handed out, then the flush. */
function chunk(text: string, size: number, minChars?: number): string[] {
  const c = new SentenceChunker(minChars === undefined ? {} : { minChars });
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...c.push(text.slice(i, i + size)));
  const rest = c.flush();
  if (rest !== undefined) out.push(rest);
  return out;
}

describe('SentenceChunker', () => {
  it('hands out the first sentence as soon as the next one starts, however the text is split', () => {
    const reply = 'Your order ships tomorrow morning. It should arrive by Friday! Anything else I can help with?';
    const expected = ['Your order ships tomorrow morning.', 'It should arrive by Friday!', 'Anything else I can help with?'];
    for (const size of [1, 3, 7, 200]) expect(chunk(reply, size)).toEqual(expected);
    const c = new SentenceChunker();
    expect(c.push('Your order ships tomorrow morning.')).toEqual([]); // the end may still be "3.5"
    expect(c.push(' It')).toEqual(['Your order ships tomorrow morning.']);
  });

  it('does not end a sentence inside numbers, abbreviations, initials or addresses', () => {
    expect(chunk('Dr. Smith sees you at 3.30 p.m. on Main St. today. See example.com for more details please.', 4)).toEqual([
      'Dr. Smith sees you at 3.30 p.m. on Main St. today.',
      'See example.com for more details please.',
    ]);
    expect(chunk('J. R. Doe will call back tomorrow. Bye now, take care!', 5)).toEqual(['J. R. Doe will call back tomorrow.', 'Bye now, take care!']);
  });

  it('keeps a short sentence with the next, ends at line breaks, quotes and full-width marks', () => {
    expect(chunk('Sure. Let me check that for you. Done.', 2)).toEqual(['Sure. Let me check that for you.', 'Done.']);
    expect(chunk('He said "that works for me." Then we agreed?! Fine\nnext line here', 3)).toEqual([
      'He said "that works for me."',
      'Then we agreed?!',
      'Fine\nnext line here',
    ]);
    expect(chunk('ご注文は明日発送されます。金曜日に届きます。', 2, 4)).toEqual(['ご注文は明日発送されます。', '金曜日に届きます。']);
  });

  it('flush returns nothing when all was handed out', () => {
    const c = new SentenceChunker();
    expect(c.push('A complete sentence here.\n')).toEqual(['A complete sentence here.']);
    expect(c.flush()).toBeUndefined();
  });
});
