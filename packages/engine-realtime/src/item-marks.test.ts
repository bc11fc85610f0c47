import { describe, expect, it } from 'vitest';
import { ACTION_MARK, ItemMarks } from './item-marks.ts';

describe('ItemMarks', () => {
  it('reads an item mark of the current generation only; a pause renames the marks sent again', () => {
    const marks = new ItemMarks();
    const first = marks.of('item_a');
    expect(first).toBe('realtime-item:0:item_a');
    expect(marks.itemOf(first)).toBe('item_a');
    const rename = marks.renew();
    expect(marks.itemOf(first)).toBeUndefined();
    expect(rename(first)).toBe('realtime-item:1:item_a');
    expect(marks.itemOf(rename(first))).toBe('item_a');
    expect(rename(ACTION_MARK)).toBe(ACTION_MARK);
    expect(marks.itemOf(ACTION_MARK)).toBeUndefined();
    expect(marks.itemOf('realtime-item:1')).toBeUndefined();
    // An item id with a colon in it is kept whole.
    expect(marks.itemOf(marks.of('item:b'))).toBe('item:b');
  });
});
