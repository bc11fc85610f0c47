import { describe, expect, it } from 'vitest';
import { MAX_CUT_RESPONSES, ResponseBook } from './responses.ts';

describe('ResponseBook', () => {
  it('measures the turn latency from the speech stopping to the first audio of the next response, once', () => {
    const book = new ResponseBook();
    book.speechStopped(1000);
    expect(book.created('resp_1')).toBe('started');
    expect(book.active).toBe('resp_1');
    expect(book.audio('resp_other', 1200)).toBeUndefined();
    expect(book.audio('resp_1', 1350)).toBe(350);
    expect(book.audio('resp_1', 1400)).toBeUndefined();
    book.done('resp_1');
    expect(book.active).toBeUndefined();
    // A response nobody spoke before (a greeting) is not measured; nor one after a forgotten turn.
    book.created('resp_2');
    expect(book.audio('resp_2', 2000)).toBeUndefined();
    book.speechStopped(3000);
    book.turnForgotten();
    book.created('resp_3');
    expect(book.audio('resp_3', 3500)).toBeUndefined();
  });

  it('takes the next response for a noise once when asked: cancelled, cut, not active', () => {
    const book = new ResponseBook();
    book.speechStopped(1000);
    book.cancelNext();
    expect(book.created('resp_noise')).toBe('cancel');
    expect(book.active).toBeUndefined();
    expect(book.isCut('resp_noise')).toBe(true);
    expect(book.created('resp_next')).toBe('started');
    expect(book.audio('resp_next', 2000)).toBeUndefined();
    book.cancelNext();
    book.cancelNext(false);
    expect(book.created('resp_asked')).toBe('started');
  });

  it('remembers the most recent cut responses, never the empty id', () => {
    const book = new ResponseBook();
    book.cut('');
    expect(book.isCut('')).toBe(false);
    for (let i = 0; i <= MAX_CUT_RESPONSES; i++) book.cut(`resp_${i}`);
    expect(book.isCut('resp_0')).toBe(false);
    expect(book.isCut('resp_1')).toBe(true);
    expect(book.isCut(`resp_${MAX_CUT_RESPONSES}`)).toBe(true);
    book.clear();
    expect(book.isCut('resp_1')).toBe(false);
  });
});
