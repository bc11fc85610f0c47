import { describe, expect, it } from 'vitest';
import { PlaybackMarks } from './playback-marks.ts';

describe('PlaybackMarks', () => {
  it('tells played from cut marks, oldest first for a repeated name, and bounds what is pending', () => {
    const marks = new PlaybackMarks(3);
    expect(marks.add('a')).toBe(true);
    expect(marks.add('b')).toBe(true);
    expect(marks.played('a')).toBe('played');
    expect(marks.played('a')).toBe('unknown');
    marks.cut();
    expect(marks.add('b')).toBe(true);
    expect(marks.add('c')).toBe(true);
    expect(marks.add('d')).toBe(false);
    expect(marks.played('b')).toBe('cut');
    expect(marks.played('b')).toBe('played');
    expect(marks.played('c')).toBe('played');
    expect(marks.size).toBe(0);
  });
});
