/**
 * Property-based fuzzing of every provider adapter's inbound parser (`StreamAdapter.parse`): random
 * JSON, random text and bytes, and the conformance fixtures mutated (fields deleted, types swapped,
 * huge strings, NUL and unpaired surrogates, deep nesting, keys renamed). Whatever arrives, `parse`
 * returns a well-formed event or `null`, or throws `ProviderFrameError` with a documented code; a
 * `start` it returns binds and yields outbound frames that are valid JSON. fast-check prints the
 * seed and the shrunk counterexample of a failure (replay with `{ seed, path }`).
 */
import { AudioEncoding, type CallEvent, type StartEvent } from '@vr3/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StreamAdapter } from './adapter.ts';
import { cloudonixFixtures } from './cloudonix/fixtures.ts';
import { ProviderFrameError } from './errors.ts';
import { exotelFixtures } from './exotel/fixtures.ts';
import type { ProviderFixtures } from './fixture-types.ts';
import { plivoFixtures } from './plivo/fixtures.ts';
import { STREAM_PROVIDER_DESCRIPTORS } from './registry.ts';
import { twilioFixtures } from './twilio/fixtures.ts';
import { vobizFixtures } from './vobiz/fixtures.ts';

const FIXTURES: Record<string, ProviderFixtures> = {
  cloudonix: cloudonixFixtures,
  exotel: exotelFixtures,
  twilio: twilioFixtures,
  vobiz: vobizFixtures,
  plivo: plivoFixtures,
};
const RUNS = { numRuns: 150 } as const;
const DOCUMENTED_CODES = ['malformed_frame', 'unsupported_media_format'];
const ENCODINGS: readonly string[] = Object.values(AudioEncoding);
const RATES = [8000, 16000, 24000, 48000];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// ---------------------------------------------------------------------------------------------
// Generators

/** Strings that break naive parsers and databases. */
const nastyString = fc.constantFrom(
  '\u0000', 'a\u0000b', '\uD800', '\uDC00', 'x\uDBFF', '\uDFFF\uD800', '\u2028\u2029', '', ' ', '\\', '"', '%00',
  '__proto__', 'constructor', 'toString', 'NaN', 'Infinity', '-1', '1e400', '8000', '8000Hz', '00000000000000000001',
  'audio/x-mulaw', 'audio/x-l16;rate=16000', 'mulaw;rate=99999', 'start', 'media', 'stop', '😀', '\uFEFF',
);
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 40 }), nastyString);
/**
 * A big value, printed by fast-check as a short description (a counterexample holding 70 000
 * characters or 20 000 levels would not print). Mutations place a marker string; {@link serialize}
 * splices the value's JSON text in (deep nesting is beyond what `JSON.stringify` can recurse into).
 */
class Big {
  constructor(
    readonly label: string,
    readonly json: () => string,
  ) {}
  [fc.toStringMethod](): string {
    return this.label;
  }
}
const hugeString = fc
  .record({ n: fc.noBias(fc.integer({ min: 10_000, max: 70_000 })), c: fc.constantFrom('A', '\u0000', '😀', '\\', '\uD800') })
  .map(({ n, c }) => new Big(`${JSON.stringify(c)}×${n}`, () => JSON.stringify(c.repeat(n))));
/** `[[[…"x"…]]]` or `{"a":{"a":…"x"…}}`, `depth` levels. */
const deep = fc
  .record({ depth: fc.noBias(fc.integer({ min: 50, max: 20_000 })), object: fc.boolean() })
  .map(({ depth, object }) => new Big(`${object ? 'objects' : 'arrays'} nested ${depth} deep`, () => (object ? '{"a":'.repeat(depth) + '"x"' + '}'.repeat(depth) : '['.repeat(depth) + '"x"' + ']'.repeat(depth))));

/** Values placed by the current case's mutations, by marker. */
const placed: Big[] = [];
const MARKER = '@@vr3-fuzz-big-';
/** `v`, or a marker standing for a {@link Big} value. */
const built = (v: Json | Big): Json => {
  if (!(v instanceof Big)) return v;
  placed.push(v);
  return `${MARKER}${placed.length - 1}@@`;
};
/** JSON text of `value` with every marker replaced by its big value's JSON. Clears the markers. */
function serialize(value: Json): string {
  const text = JSON.stringify(value) ?? 'null';
  const out = text.replace(new RegExp(`"${MARKER}(\\d+)@@"`, 'g'), (_m, i: string) => placed[Number(i)]!.json());
  placed.length = 0;
  return out;
}
const oddNumber = fc.constantFrom(0, -0, -1, 1.5, 8000.5, 2 ** 53 + 2, -(2 ** 60), 1e308, Number.MIN_VALUE, 8000, 16000, 48000, 44100);
/** A value a mutation puts somewhere. */
const replacement: fc.Arbitrary<Json | Big> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> },
  { weight: 3, arbitrary: anyText },
  { weight: 2, arbitrary: oddNumber },
  { weight: 1, arbitrary: fc.constantFrom<Json>(null, true, false, [], {}) },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: deep },
);

/** A mutation: `pick` chooses a container of the tree, `member` one of its members. */
type Op = { op: 'delete' | 'replace' | 'wrap' | 'rename' | 'add' | 'taint'; pick: number; member: number; value: Json | Big; key: string };
/** What `taint` puts into a string or key: NUL, unpaired surrogates, a pair cut in half. */
const TAINTS = ['\u0000', '\uD800', '\uDC00', '\uDBFF', '😀'.slice(0, 1), '😀'.slice(1)];
/** `text` with a taint inserted at a position chosen by `pick`. */
const taint = (text: string, pick: number): string => {
  const at = pick % (text.length + 1);
  return text.slice(0, at) + TAINTS[pick % TAINTS.length]! + text.slice(at);
};
const op: fc.Arbitrary<Op> = fc.record({
  op: fc.constantFrom('delete', 'replace', 'replace', 'wrap', 'rename', 'add', 'taint', 'taint'),
  pick: fc.nat(),
  member: fc.nat(),
  value: replacement,
  key: fc.oneof(anyText, fc.constantFrom('event', 'start', 'media', 'payload', 'streamSid', 'stream_sid', 'streamId', 'mediaFormat', 'media_format', 'encoding', 'sampleRate', 'customParameters', 'extra_headers', 'callSid', 'from', 'reason', 'stop', 'dtmf', 'digit', 'mark', 'name', 'track', 'sequenceNumber', 'channels', 'contentType')),
});

/** Every container in `root` with its path (the root included). */
function containers(root: Json): Json[] {
  const out: Json[] = [];
  const stack: Json[] = [root];
  while (stack.length > 0 && out.length < 500) {
    const v = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    out.push(v);
    stack.push(...(Array.isArray(v) ? v : Object.values(v)));
  }
  return out;
}

const define = (obj: Record<string, Json>, key: string, value: Json): void => void Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });

/** Applies `ops` to a copy of `seed` (each op picks a container, then a member of it). */
function mutate(seed: Json, ops: readonly Op[]): Json {
  const root = structuredClone(seed);
  for (const { op, pick, member, value: placed, key } of ops) {
    // A copy: later ops edit the tree in place, and fast-check reuses its values while shrinking.
    const value = structuredClone(built(placed));
    const all = containers(root);
    const target = all[pick % all.length]!;
    if (Array.isArray(target)) {
      const i = target.length === 0 ? 0 : member % target.length;
      const item = target[i];
      if (op === 'delete') target.splice(i, 1);
      else if (op === 'wrap') target[i] = [item ?? null];
      else if (op === 'taint') target[i] = taint(typeof item === 'string' ? item : '', member);
      else target[i] = value;
      continue;
    }
    const obj = target as Record<string, Json>;
    const keys = Object.keys(obj);
    const k = keys.length === 0 ? key : keys[member % keys.length]!;
    if (op === 'taint') {
      const current = obj[k];
      if (typeof current === 'string' && member % 3 !== 0) obj[k] = taint(current, member);
      else {
        delete obj[k];
        define(obj, taint(k, member), current ?? null);
      }
    } else if (op === 'delete') delete obj[k];
    else if (op === 'wrap') obj[k] = member % 2 === 0 ? [obj[k] ?? null] : { [key]: obj[k] ?? null };
    else if (op === 'rename') {
      const v = obj[k] ?? null;
      delete obj[k];
      define(obj, key, v);
    } else if (op === 'add') define(obj, key, value);
    else obj[k] = value;
  }
  return root;
}

/** Character-level damage to a frame's text: cut, insert, replace. */
const textDamage = fc.record({ at: fc.nat(), kind: fc.constantFrom('cut', 'insert', 'replace'), text: anyText });
function damage(text: string, d: { at: number; kind: string; text: string }): string {
  const i = text.length === 0 ? 0 : d.at % text.length;
  if (d.kind === 'cut') return text.slice(0, i);
  if (d.kind === 'insert') return text.slice(0, i) + d.text + text.slice(i);
  return text.slice(0, i) + d.text + text.slice(i + 1);
}

/** The frame as it arrives: text, or the same text as the socket's bytes (Twilio-style's fast path). */
const delivery = fc.constantFrom<'string' | 'buffer'>('string', 'buffer', 'buffer');
const deliver = (text: string, as: 'string' | 'buffer'): string | Buffer => (as === 'string' ? text : Buffer.from(text, 'utf8'));

// ---------------------------------------------------------------------------------------------
// The oracle

const isStringRecord = (v: unknown): boolean =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
const optionalString = (v: unknown): boolean => v === undefined || typeof v === 'string';
const optionalCount = (v: unknown): boolean => v === undefined || (Number.isSafeInteger(v) && (v as number) >= 0);

/** Why `event` is not a well-formed {@link CallEvent}, or `null`. */
function malformedEvent(event: CallEvent): string | null {
  switch (event.type) {
    case 'connected':
      return optionalString(event.protocol) && optionalString(event.version) ? null : 'connected fields';
    case 'start': {
      if (typeof event.streamId !== 'string' || event.streamId === '') return 'start.streamId';
      for (const k of ['callId', 'sessionId', 'accountId', 'from', 'to'] as const) if (!optionalString(event[k])) return `start.${k}`;
      if (!isStringRecord(event.customParameters)) return 'start.customParameters';
      if (!ENCODINGS.includes(event.mediaFormat?.encoding) || !RATES.includes(event.mediaFormat.sampleRate)) return 'start.mediaFormat';
      if (event.metadata === null || typeof event.metadata !== 'object' || Array.isArray(event.metadata)) return 'start.metadata';
      return null;
    }
    case 'media':
      if (!Buffer.isBuffer(event.payload)) return 'media.payload';
      return optionalCount(event.sequence) && optionalCount(event.timestampMs) ? null : 'media counters';
    case 'dtmf':
      return typeof event.digit === 'string' && event.digit !== '' && optionalCount(event.durationMs) ? null : 'dtmf fields';
    case 'mark':
      return typeof event.name === 'string' && event.name !== '' ? null : 'mark.name';
    case 'cleared':
      return null;
    case 'stop':
      return optionalString(event.reason) ? null : 'stop.reason';
    default:
      return `unknown type ${(event as { type: unknown }).type}`;
  }
}

/** A parsed `start` binds, and the frames built after it are JSON carrying its stream id. */
function checkBinds(adapter: StreamAdapter, start: StartEvent): void {
  adapter.bind(start);
  const chunk = Buffer.alloc(adapter.outboundFraming().chunkBytes);
  for (const text of [adapter.media(chunk), adapter.mark('m-1'), adapter.clear()]) {
    const frame = JSON.parse(text) as Record<string, unknown>;
    expect(Object.values(frame)).toContain(start.streamId);
  }
}

/** Feeds one frame to a fresh adapter and checks the contract. */
function check(provider: string, frame: string | Buffer, isBinary: boolean, query?: Record<string, string>): void {
  const descriptor = STREAM_PROVIDER_DESCRIPTORS.find((d) => d.name === provider)!;
  const adapter = descriptor.createStreamAdapter(query === undefined ? undefined : { query });
  let event: CallEvent | null;
  try {
    event = adapter.parse(frame, isBinary);
  } catch (err) {
    if (!(err instanceof ProviderFrameError) || !DOCUMENTED_CODES.includes(err.code)) throw err;
    expect(err.retryable).toBe(false);
    return;
  }
  if (event === null) return;
  expect(malformedEvent(event)).toBeNull();
  if (event.type === 'start') checkBinds(adapter, event);
}

/** The fixtures' inbound frames and `start`s that are JSON objects: the seeds of mutation. */
function seeds(fixtures: ProviderFixtures): Json[] {
  const frames = [...fixtures.inbound.map((f) => f.frame), ...fixtures.bindings.map((b) => b.start)];
  const out: Json[] = [];
  for (const f of frames) {
    try {
      const v = JSON.parse(typeof f === 'string' ? f : f.toString('utf8')) as Json;
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) out.push(v);
    } catch {
      // not JSON: covered by the text properties
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Properties

for (const { name } of STREAM_PROVIDER_DESCRIPTORS) {
  const fixtures = FIXTURES[name]!;
  const seedFrames = seeds(fixtures);
  const seed = fc.constantFrom(...seedFrames);
  const exotelQuery = name === 'exotel' ? fc.option(fc.record({ 'sample-rate': fc.oneof(anyText, fc.constantFrom('8000', '16000', '24000')) }), { nil: undefined }) : fc.constant(undefined);

  describe(`${name} parser fuzz`, () => {
    it('has seeds from its conformance fixtures', () => {
      expect(seedFrames.length).toBeGreaterThan(3);
    });

    it('random JSON values', () => {
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 4 }), delivery, exotelQuery, (value, as, query) => {
          check(name, deliver(JSON.stringify(value) ?? 'null', as), false, query);
        }),
        RUNS,
      );
    });

    it('random event objects with random fields', () => {
      const event = fc.constantFrom('connected', 'start', 'media', 'dtmf', 'mark', 'stop', 'playedStream', 'clearedAudio', 'other');
      const fields = fc.dictionary(op.map((o) => o.key), replacement, { maxKeys: 6 });
      const nested = fc.dictionary(op.map((o) => o.key), replacement, { maxKeys: 6 });
      fc.assert(
        fc.property(event, fields, nested, delivery, (ev, top, inner, as) => {
          const frame: Record<string, Json> = { event: ev };
          for (const [k, v] of Object.entries(top)) Object.defineProperty(frame, k, { value: built(v), enumerable: true, writable: true, configurable: true });
          frame['event'] = ev;
          if (top[ev] === undefined) {
            const obj = Object.fromEntries(Object.entries(inner).map(([k, v]) => [k, built(v)]));
            Object.defineProperty(frame, ev, { value: obj, enumerable: true, writable: true, configurable: true });
          }
          check(name, deliver(serialize(frame), as), false);
        }),
        RUNS,
      );
    });

    it('random text and bytes, as text or binary frames', () => {
      fc.assert(
        fc.property(fc.oneof(anyText, fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b))), fc.boolean(), (data, isBinary) => {
          check(name, data, isBinary);
        }),
        RUNS,
      );
    });

    it('mutated fixtures: deleted fields, swapped types, huge strings, NUL/surrogates, deep nesting', () => {
      fc.assert(
        fc.property(seed, fc.array(op, { minLength: 1, maxLength: 4 }), delivery, exotelQuery, (frame, ops, as, query) => {
          const text = serialize(mutate(frame, ops));
          check(name, deliver(text, as), false, query);
        }),
        RUNS,
      );
    });

    it('fixtures damaged character by character', () => {
      fc.assert(
        fc.property(seed, fc.array(textDamage, { minLength: 1, maxLength: 3 }), delivery, (frame, damages, as) => {
          const text = damages.reduce(damage, serialize(frame));
          check(name, deliver(text, as), false);
        }),
        RUNS,
      );
    });
  });
}
