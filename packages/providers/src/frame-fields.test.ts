import { describe, expect, it } from 'vitest';
import { decodeBase64, flattenParameters, MAX_FRAME_DEPTH, parseEventFrame, readCount, readId } from './frame-fields.ts';

describe('frame field readers', () => {
  it('decodes padded, unpadded and URL-safe base64', () => {
    expect(decodeBase64('AQID')).toEqual(Buffer.from([1, 2, 3]));
    expect(decodeBase64('AQI=')).toEqual(Buffer.from([1, 2]));
    expect(decodeBase64('AQI')).toEqual(Buffer.from([1, 2]));
    expect(decodeBase64('-_8')).toEqual(Buffer.from([0xfb, 0xff]));
    expect(decodeBase64('')).toEqual(Buffer.alloc(0));
  });

  it.each(['A', 'AQID A', 'AQ!D', 'AQ\nID', 'AQIDA'])('rejects %j', (text) => {
    expect(() => decodeBase64(text)).toThrow(expect.objectContaining({ code: 'malformed_frame' }));
  });

  it(`refuses frames nesting deeper than ${MAX_FRAME_DEPTH} levels (32 000 deep overflowed every later JSON.stringify)`, () => {
    const nested = (levels: number) => `{"event":"start","x":${'['.repeat(levels - 1)}1${']'.repeat(levels - 1)}}`;
    expect(parseEventFrame(nested(MAX_FRAME_DEPTH), false).event).toBe('start');
    for (const levels of [MAX_FRAME_DEPTH + 1, 32_000]) {
      expect(() => parseEventFrame(nested(levels), false)).toThrow(expect.objectContaining({ code: 'malformed_frame', message: 'frame nests too deeply' }));
    }
  });

  it('reads counts from numbers and decimal strings only', () => {
    expect(readCount('42')).toBe(42);
    expect(readCount(7)).toBe(7);
    for (const v of ['', ' ', '-1', '1.5', 'x', 1.5, -3, null, undefined, true, '1e400', Number.NaN]) expect(readCount(v), String(v)).toBeUndefined();
  });

  it('reads ids from non-empty strings and finite numbers', () => {
    expect(readId('a')).toBe('a');
    expect(readId(12)).toBe('12');
    for (const v of ['', null, undefined, {}, [], true, Number.POSITIVE_INFINITY]) expect(readId(v)).toBeUndefined();
  });

  it('flattens parameter objects and k=v strings', () => {
    expect(flattenParameters({ a: 'x', b: 2, c: false, d: null })).toStrictEqual({ a: 'x', b: '2', c: 'false' });
    expect(flattenParameters('a=1;b=two, c = 3 ;bad;=x')).toStrictEqual({ a: '1', b: 'two', c: '3' });
    expect(flattenParameters(JSON.parse('{"__proto__":{"polluted":"yes"},"ok":"1"}'))).toStrictEqual({ ok: '1' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(flattenParameters(undefined)).toStrictEqual({});
    expect(flattenParameters(['a'])).toStrictEqual({});
  });
});
