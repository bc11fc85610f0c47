import { describe, expect, it } from 'vitest';
import { START_METADATA_LIMITS, boundStartMetadata, truncateString } from './start-metadata.ts';

const size = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

describe('truncateString', () => {
  it('keeps short strings and cuts long ones on a character boundary with the dropped byte count', () => {
    expect(truncateString('abc', 3)).toBe('abc');
    expect(truncateString('abcdef', 4)).toBe('abcd…[truncated 2 bytes]');
    // 'é' is 2 bytes: a 3-byte cut keeps one whole 'é' and drops 3 bytes.
    expect(truncateString('ééé', 3)).toBe('é…[truncated 4 bytes]');
  });
});

describe('boundStartMetadata', () => {
  it('returns a payload within the bounds unchanged', () => {
    const payload = { event: 'start', start: { streamSid: 'MZ', tracks: ['inbound'], customParameters: { a: '1' } }, sequenceNumber: '1', n: 3, ok: true, none: null };
    expect(boundStartMetadata(payload)).toEqual(payload);
    expect(boundStartMetadata({})).toEqual({});
  });

  it('caps every string with a marker', () => {
    const out = boundStartMetadata({ note: 'x'.repeat(5000) });
    expect(out).toEqual({ note: `${'x'.repeat(1024)}…[truncated 3976 bytes]` });
  });

  it('keeps known fields first, at any depth and spelling, and counts what was dropped', () => {
    const payload = {
      junk: Array.from({ length: 100 }, (_, i) => `item-${i}-${'j'.repeat(200)}`),
      other: 'o'.repeat(900),
      start: {
        extra: 'e'.repeat(900),
        custom_parameters: { tenant: 't1' },
        media_format: { encoding: 'audio/x-mulaw', sample_rate: 8000 },
        stream_sid: 'MZ1',
        call_sid: 'CA1',
        account_sid: 'AC1',
      },
      from: '+1555',
      to: '+1666',
    };
    const out = boundStartMetadata(payload) as any;
    expect(size(out)).toBeLessThanOrEqual(START_METADATA_LIMITS.maxBytes);
    expect(out).toMatchObject({ from: '+1555', to: '+1666', start: payload.start });
    expect(out.junk.length).toBeLessThan(100);
    expect(out.other).toBeUndefined(); // unknown keys fill the rest in payload order
    expect(out._truncated).toEqual({ dropped: 100 - out.junk.length + 1 });
  });

  it('holds a 64 KB payload of many keys to the byte bound', () => {
    const payload = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, `v${i}`.padEnd(30, '.')]));
    const out = boundStartMetadata({ streamSid: 'MZ', ...payload });
    expect(size(payload)).toBeGreaterThan(64_000);
    expect(size(out)).toBeLessThanOrEqual(8192);
    expect(size(out)).toBeGreaterThan(8000); // the budget is used, not wasted
    expect(out['streamSid']).toBe('MZ');
    expect(Object.keys(out).length - 2 + (out['_truncated'] as { dropped: number }).dropped).toBe(2000);
  });

  it('drops values nested past maxDepth', () => {
    const deep = { a: { b: { c: 'keep' } }, d: { e: { f: { g: 'drop' } } } };
    expect(boundStartMetadata(deep, { ...START_METADATA_LIMITS, maxDepth: 3 })).toEqual({ a: { b: { c: 'keep' } }, d: { e: {} }, _truncated: { dropped: 1 } });
  });

  it('honours custom limits', () => {
    const out = boundStartMetadata({ streamSid: 'MZ', callSid: 'CA', customParameters: { x: 'y'.repeat(500) } }, { maxBytes: 100, maxStringBytes: 16, maxDepth: 6 });
    expect(size(out)).toBeLessThanOrEqual(100);
    expect(out).toMatchObject({ streamSid: 'MZ', callSid: 'CA' });
  });
});
