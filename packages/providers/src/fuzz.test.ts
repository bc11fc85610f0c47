/**
 * Property-based fuzzing of every provider adapter's inbound parser (`StreamAdapter.parse`): random
 * JSON, random text and bytes, and the conformance fixtures mutated (fields deleted, types swapped,
 * huge strings, NUL and unpaired surrogates, deep nesting, keys renamed). Whatever arrives, `parse`
 * returns a well-formed event or `null`, or throws `ProviderFrameError` with a documented code; a
 * `start` it returns binds and yields outbound frames that are valid JSON. fast-check prints the
 * seed and the shrunk counterexample of a failure (replay with `{ seed, path }`).
 */
import { AudioEncoding, type CallEvent, type StartEvent } from '@vr3/protocol';
import { bigSplicer, damage, deepNesting, hugeString, mutate, mutationOp, replacementValue, textDamage, unsafeText, type Json, type MutateOptions } from '@vr3/protocol/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StreamAdapter } from './adapter.ts';
import { ProviderFrameError } from './errors.ts';
import { PROVIDER_DESCRIPTORS } from './registry.ts';
import type { ProviderFixtures } from './fixture-types.ts';
import { PROVIDER_FIXTURES } from './testing/provider-fixtures.ts';

const RUNS = { numRuns: 150 } as const;
const DOCUMENTED_CODES = ['malformed_frame', 'unsupported_media_format'];
const ENCODINGS: readonly string[] = Object.values(AudioEncoding);
const RATES = [8000, 16000, 24000, 48000];

// ---------------------------------------------------------------------------------------------
// Generators

/** Strings that break naive parsers and databases. */
const anyText = unsafeText(
  [
    '\u0000', 'a\u0000b', '\uD800', '\uDC00', 'x\uDBFF', '\uDFFF\uD800', '\u2028\u2029', '', ' ', '\\', '"', '%00',
    '__proto__', 'constructor', 'toString', 'NaN', 'Infinity', '-1', '1e400', '8000', '8000Hz', '00000000000000000001',
    'audio/x-mulaw', 'audio/x-l16;rate=16000', 'mulaw;rate=99999', 'start', 'media', 'stop', '😀', '\uFEFF',
  ],
  40,
);
/** A value a mutation puts somewhere. */
const replacement = replacementValue(
  anyText,
  [0, -0, -1, 1.5, 8000.5, 2 ** 53 + 2, -(2 ** 60), 1e308, Number.MIN_VALUE, 8000, 16000, 48000, 44100],
  hugeString(10_000, ['A', '\u0000', '😀', '\\', '\uD800']),
  deepNesting(50, '"x"'),
);
/** Places big values in frames and splices them into their JSON text. */
const splicer = bigSplicer();
const MUTATE: MutateOptions = { maxContainers: 500, addToArray: 'overwrite', wrapMember: 'array-or-object' };
const op = mutationOp(
  ['delete', 'replace', 'replace', 'wrap', 'rename', 'add', 'taint', 'taint'],
  replacement,
  fc.oneof(anyText, fc.constantFrom('event', 'start', 'media', 'payload', 'streamSid', 'stream_sid', 'streamId', 'mediaFormat', 'media_format', 'encoding', 'sampleRate', 'customParameters', 'extra_headers', 'callSid', 'from', 'reason', 'stop', 'dtmf', 'digit', 'mark', 'name', 'track', 'sequenceNumber', 'channels', 'contentType')),
);

/** Character-level damage to a frame's text: cut, insert, replace. */
const frameDamage = textDamage(anyText);

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
  const descriptor = PROVIDER_DESCRIPTORS.find((d) => d.name === provider)!;
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

for (const { name } of PROVIDER_DESCRIPTORS) {
  const fixtures = PROVIDER_FIXTURES[name];
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
          for (const [k, v] of Object.entries(top)) Object.defineProperty(frame, k, { value: splicer.built(v), enumerable: true, writable: true, configurable: true });
          frame['event'] = ev;
          if (top[ev] === undefined) {
            const obj = Object.fromEntries(Object.entries(inner).map(([k, v]) => [k, splicer.built(v)]));
            Object.defineProperty(frame, ev, { value: obj, enumerable: true, writable: true, configurable: true });
          }
          check(name, deliver(splicer.serialize(frame), as), false);
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
          const text = splicer.serialize(mutate(frame, ops, splicer, MUTATE));
          check(name, deliver(text, as), false, query);
        }),
        RUNS,
      );
    });

    it('fixtures damaged character by character', () => {
      fc.assert(
        fc.property(seed, fc.array(frameDamage, { minLength: 1, maxLength: 3 }), delivery, (frame, damages, as) => {
          const text = damages.reduce(damage, splicer.serialize(frame));
          check(name, deliver(text, as), false);
        }),
        RUNS,
      );
    });
  });
}
