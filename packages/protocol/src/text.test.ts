import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BusError, StreamError, StreamErrorCode } from './errors.ts';
import { RunStartRequestSchema, StreamAdmitRequestSchema, parseMessage } from './messages.ts';
import { findUnsafeText, isSafeText, REPLACEMENT_CHARACTER, toSafeJson, toSafeText } from './text.ts';

const HIGH = '\uD83D';
const LOW = '\uDE00';

describe('isSafeText', () => {
  it.each([
    ['', true],
    ['plain ascii', true],
    ['emoji 😀 and ünïcödé', true],
    [`pair ${HIGH}${LOW}`, true],
    ['nul \u0000 inside', false],
    ['\u0000', false],
    [`lone high ${HIGH}`, false],
    [`${HIGH}x`, false],
    [`lone low ${LOW}`, false],
    [`${LOW}${HIGH}`, false],
    [`${HIGH}${HIGH}${LOW}`, false],
  ])('%j → %s', (text, safe) => {
    expect(isSafeText(text)).toBe(safe);
  });

  it('agrees with a UTF-8 round trip and the absence of NUL on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const roundTrips = Buffer.from(s, 'utf8').toString('utf8') === s;
        expect(isSafeText(s)).toBe(roundTrips && !s.includes('\u0000'));
      }),
      { numRuns: 300 },
    );
  });
});

describe('findUnsafeText', () => {
  it('names the path of a bad value, and of the object holding a bad key', () => {
    expect(findUnsafeText({ a: [1, { b: 'x\u0000' }] })).toEqual({ path: ['a', 1, 'b'], at: 'value' });
    expect(findUnsafeText({ a: { [`k${LOW}`]: 'v' } })).toEqual({ path: ['a'], at: 'key' });
    expect(findUnsafeText('\u0000')).toEqual({ path: [], at: 'value' });
    expect(findUnsafeText({ a: ['ok', 2, null, true, { b: 'ünï 😀' }] })).toBeNull();
  });

  it('walks deep nesting without recursion', () => {
    let deep: unknown = 'bad\u0000';
    for (let i = 0; i < 50_000; i++) deep = [deep];
    const hit = findUnsafeText(deep);
    expect(hit?.at).toBe('value');
    expect(hit?.path).toHaveLength(50_000);
  });
});

describe('toSafeText / toSafeJson', () => {
  it('replaces each NUL and unpaired surrogate with U+FFFD, keeping pairs and everything else', () => {
    expect(toSafeText(`a\u0000b${HIGH}c${LOW}${HIGH}${LOW}${HIGH}${HIGH}${LOW}`)).toBe(`a\uFFFDb\uFFFDc\uFFFD${HIGH}${LOW}\uFFFD${HIGH}${LOW}`);
    const safe = 'ünï 😀';
    expect(toSafeText(safe)).toBe(safe);
    expect(REPLACEMENT_CHARACTER).toBe('\uFFFD');
  });

  it('agrees with a UTF-8 round trip with NUL replaced, on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const fixed = toSafeText(s);
        expect(fixed).toBe(Buffer.from(s, 'utf8').toString('utf8').replaceAll('\u0000', '\uFFFD'));
        expect(isSafeText(fixed)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('repairs values and keys at any depth in a copy, leaving the input and safe values as they are', () => {
    const input = { text: 'hi\u0000', list: ['ok', `x${LOW}`, 3, null, { [`k${HIGH}`]: true }], n: 1 };
    const before = JSON.stringify(input);
    const out = toSafeJson(input);
    expect(out).toEqual({ text: 'hi\uFFFD', list: ['ok', 'x\uFFFD', 3, null, { 'k\uFFFD': true }], n: 1 });
    expect(findUnsafeText(out)).toBeNull();
    expect(JSON.stringify(input)).toBe(before);
    const parsed = JSON.parse('{"__proto__":"\\u0000"}') as object;
    expect(Object.keys(toSafeJson(parsed))).toEqual(['__proto__']);
    const safe = { a: ['ünï 😀', { b: 1 }] };
    expect(toSafeJson(safe)).toBe(safe);
  });

  it('walks deep nesting without recursion', () => {
    let deep: unknown = 'bad\u0000';
    for (let i = 0; i < 50_000; i++) deep = [deep];
    let inner = toSafeJson(deep);
    for (let i = 0; i < 50_000; i++) inner = (inner as unknown[])[0];
    expect(inner).toBe('bad\uFFFD');
  });
});

const start = {
  run_id: 'r1',
  edge_id: 'e1',
  start: {
    stream_id: 'MZ1',
    from: '+1555',
    custom_parameters: { k: 'v' },
    media_format: { encoding: 'mulaw', sampleRate: 8000 },
    metadata: { streamSid: 'MZ1', nested: [{ deep: 'ünï 😀' }] },
  },
};

describe('bus schemas refuse unsafe text as a malformed handshake', () => {
  it('accepts well-formed text', () => {
    expect(parseMessage(RunStartRequestSchema, start).start.stream_id).toBe('MZ1');
    expect(parseMessage(StreamAdmitRequestSchema, { edge_id: 'e', provider: 'cloudonix', agent_uuid: 'a', query: { from: '😀' } }).query.from).toBe('😀');
  });

  it.each([
    ['start.stream_id', { ...start, start: { ...start.start, stream_id: 'M\u0000' } }],
    ['start.from', { ...start, start: { ...start.start, from: `+1${HIGH}` } }],
    ['start.custom_parameters.k', { ...start, start: { ...start.start, custom_parameters: { k: `v${LOW}` } } }],
    ['start.custom_parameters', { ...start, start: { ...start.start, custom_parameters: { 'k\u0000': 'v' } } }],
    ['start.metadata.nested.0.deep', { ...start, start: { ...start.start, metadata: { nested: [{ deep: '\u0000' }] } } }],
  ])('RunStart: %s', (path, data) => {
    const err = catchError(() => parseMessage(RunStartRequestSchema, data));
    expect(err).toBeInstanceOf(StreamError);
    expect(err).toMatchObject({ code: StreamErrorCode.MalformedHandshake });
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).not.toContain('\u0000');
  });

  it.each([
    ['query.from', { edge_id: 'e', provider: 'cloudonix', agent_uuid: 'a', query: { from: '+1\u0000' } }],
    ['query', { edge_id: 'e', provider: 'cloudonix', agent_uuid: 'a', query: { [`x${HIGH}`]: '1' } }],
    ['agent_uuid', { edge_id: 'e', provider: 'cloudonix', agent_uuid: 'a\u0000', query: {} }],
  ])('StreamAdmit: %s', (path, data) => {
    const err = catchError(() => parseMessage(StreamAdmitRequestSchema, data));
    expect(err).toMatchObject({ code: StreamErrorCode.MalformedHandshake });
    expect((err as Error).message).toContain(path);
  });

  it('a message with any other fault stays a bad message', () => {
    const err = catchError(() => parseMessage(RunStartRequestSchema, { ...start, start: { ...start.start, stream_id: 7, from: '\u0000' } }));
    expect(err).toBeInstanceOf(BusError);
    expect(err).toMatchObject({ code: 'bus_bad_message' });
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}
