/**
 * Stream-level fuzzing through the media-edge test harness (a real edge behind a real HTTP server,
 * a scripted control-plane on an in-process bus): every provider's documented frames, mutated
 * (fields deleted, types swapped, huge strings, NUL and unpaired surrogates, deep nesting, keys
 * renamed), sent over a real WebSocket with a fuzzed stream URL query. Whatever arrives, the stream
 * ends with a documented close code and never 1011; every run admitted is finalized with a
 * documented end reason, never `server_error`; and every request the edge sends the control-plane
 * is a valid bus message holding no text the database cannot store. fast-check prints the seed and
 * the shrunk counterexample of a failure.
 */
import {
  findUnsafeText,
  RunFinalizeRequestSchema,
  RunStartRequestSchema,
  StreamAdmitRequestSchema,
  type CallEvent,
} from '@vr3/protocol';
import { PROVIDER_NAMES, type ProviderName } from '@vr3/providers';
import { PROVIDER_FIXTURES, type ProviderFixtures } from '@vr3/providers/testing';
import fc from 'fast-check';
import { bigSplicer, deepNesting, hugeString, mutate, mutationOp, taint, TAINTS, unsafeText, type Big, type Json, type MutateOptions, type MutationOp } from '@vr3/protocol/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEFAULT_QUERY, startHarness, waitUntil, type Harness } from '../test-support/harness.ts';

const MAX_PAYLOAD = 64 * 1024;
/** Close codes of the Agent Stream contract (docs/agent-stream.md), and ws's 1009 for a frame over `maxPayloadBytes`. */
const DOCUMENTED = [1000, 1008, 1013, 4400, 4408];
const FAILED_AS_SERVER_ERROR = ['server_error', 'agent_error'];

let h: Harness;
beforeAll(async () => {
  // A short handshake deadline: a case that never completes its handshake ends in 4408 quickly.
  h = await startHarness({ config: { handshakeTimeoutMs: 150, closeTimeoutMs: 300, finalizeBackoffMs: 10 } });
});
afterAll(async () => {
  await h?.close();
});

// ---------------------------------------------------------------------------------------------
// Seeds: each provider's documented frames, by event

interface Seeds {
  connected: Json[];
  start: Json;
  inCall: Json[];
}

function seedsOf(fixtures: ProviderFixtures): Seeds {
  const parse = (frame: string | Buffer): Json => JSON.parse(typeof frame === 'string' ? frame : frame.toString('utf8')) as Json;
  const byType = (type: CallEvent['type']): Json[] =>
    fixtures.inbound.filter((f) => 'event' in f.expect && f.expect.event?.type === type && f.adapterOptions === undefined && !f.isBinary).map((f) => parse(f.frame));
  return {
    connected: byType('connected'),
    start: parse(fixtures.bindings[0].start),
    inCall: [...byType('media'), ...byType('dtmf'), ...byType('mark'), ...byType('cleared')],
  };
}
const SEEDS = Object.fromEntries(PROVIDER_NAMES.map((p) => [p, seedsOf(PROVIDER_FIXTURES[p])])) as Record<ProviderName, Seeds>;

// ---------------------------------------------------------------------------------------------
// Mutations

const anyText = unsafeText([...TAINTS, '', ' ', '\\', '"', '__proto__', 'constructor', 'NaN', '-1', '1e400', '8000', 'audio/x-l16;rate=16000', 'stop', 'media', '😀'], 30);
const replacement: fc.Arbitrary<Json | Big> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> },
  { weight: 3, arbitrary: anyText },
  { weight: 1, arbitrary: fc.constantFrom<Json>(null, true, false, [], {}, 0, -1, 1.5, 2 ** 53 + 2, 16000) },
  { weight: 2, arbitrary: fc.oneof(hugeString(1_000, ['A', '\u0000', '😀']), deepNesting(30, '1')) },
);
const fieldName = fc.oneof(anyText, fc.constantFrom('event', 'start', 'media', 'payload', 'streamSid', 'stream_sid', 'streamId', 'callSid', 'mediaFormat', 'encoding', 'sampleRate', 'customParameters', 'extra_headers', 'from', 'to', 'digit', 'name', 'reason', 'stop'));
const op = mutationOp(['delete', 'replace', 'add', 'wrap', 'rename', 'taint', 'taint'], replacement, fieldName);

const splicer = bigSplicer();
const MUTATE: MutateOptions = { maxContainers: 200, addToArray: 'append', wrapMember: 'array' };
/** The JSON text of `seed` with `ops` applied. */
const mutated = (seed: Json, ops: readonly MutationOp[]): string => splicer.serialize(mutate(seed, ops, splicer, MUTATE));

/** One frame of a case: a documented frame as is, mutated, or replaced by random text. */
type FrameSpec = { kind: 'as-is' } | { kind: 'mutated'; ops: MutationOp[] } | { kind: 'random'; text: string };
const frameSpec: fc.Arbitrary<FrameSpec> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<FrameSpec>({ kind: 'as-is' }) },
  { weight: 5, arbitrary: fc.array(op, { minLength: 1, maxLength: 3 }).map((ops): FrameSpec => ({ kind: 'mutated', ops })) },
  { weight: 1, arbitrary: fc.oneof(anyText, fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v))).map((text): FrameSpec => ({ kind: 'random', text })) },
);
const render = (seed: Json, spec: FrameSpec): string => (spec.kind === 'as-is' ? JSON.stringify(seed) : spec.kind === 'mutated' ? mutated(seed, spec.ops) : spec.text);

/** Extra query parameters on the stream URL (URLSearchParams encodes them; NUL arrives as `%00`). */
const extraQuery = fc.dictionary(fc.oneof(anyText, fc.constantFrom('from', 'to', 'callId', 'CallSid', 'AccountSid', 'AuthId', 'sample-rate')), anyText, { maxKeys: 3 });

// ---------------------------------------------------------------------------------------------
// One stream and the oracle

interface Outcome {
  /** The close code the edge sent, or `null` when the client closed first. */
  serverClose: number | null;
}

/** Opens a stream, sends `frames`, lets the edge react, closes from the client side if still open. */
async function stream(query: Record<string, string>, frames: readonly string[]): Promise<Outcome> {
  const ws = new WebSocket(h.url(query), { maxPayload: 1 << 20 });
  let serverClose: number | null = null;
  let clientClosing = false;
  const closed = new Promise<void>((resolve) => {
    ws.on('close', (code) => {
      if (!clientClosing) serverClose = code;
      resolve();
    });
  });
  ws.on('error', () => undefined);
  await new Promise<void>((resolve) => {
    ws.once('open', () => resolve());
    ws.once('close', () => resolve());
  });
  if (ws.readyState === WebSocket.OPEN) {
    for (const frame of frames) ws.send(frame);
    // Time for admission, RunStart and the frames to be read; a handshake left incomplete ends by its deadline.
    await Promise.race([closed, new Promise((r) => setTimeout(r, 60))]);
    if (ws.readyState === WebSocket.OPEN) {
      clientClosing = true;
      ws.close(1000, 'fuzz done');
    }
  }
  await Promise.race([closed, new Promise((r) => setTimeout(r, 2_000))]);
  if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
  await waitUntil(() => h.edge.activeCalls === 0, 5_000);
  return { serverClose };
}

/** Checks the close code, the finalizes and the bus requests of one case. */
function check(outcome: Outcome, frames: readonly string[], before: { admits: number; starts: number; finalizes: number }): void {
  const oversize = frames.some((f) => Buffer.byteLength(f) > MAX_PAYLOAD);
  if (outcome.serverClose !== null) {
    expect(outcome.serverClose).not.toBe(1011);
    expect([...DOCUMENTED, ...(oversize ? [1009] : [])]).toContain(outcome.serverClose);
  }
  const admits = h.cp.admits.slice(before.admits);
  const starts = h.cp.starts.slice(before.starts);
  const finalizes = h.cp.finalizes.slice(before.finalizes);
  for (const req of admits) expect(StreamAdmitRequestSchema.safeParse(req).success).toBe(true);
  for (const req of starts) expect(RunStartRequestSchema.safeParse(req).success).toBe(true);
  for (const req of finalizes) {
    expect(RunFinalizeRequestSchema.safeParse(req).success).toBe(true);
    expect(FAILED_AS_SERVER_ERROR).not.toContain(req.end_reason);
  }
  for (const req of [...admits, ...starts, ...finalizes]) expect(findUnsafeText(req)).toBeNull();
  // Every admitted run is finalized exactly once.
  expect(finalizes.map((f) => f.run_id).sort()).toEqual(admits.map((_a, i) => `run-${before.admits + i + 1}`).sort());
}

const provider = fc.constantFrom(...PROVIDER_NAMES);
const snapshot = () => ({ admits: h.cp.admits.length, starts: h.cp.starts.length, finalizes: h.cp.finalizes.length });

// ---------------------------------------------------------------------------------------------
// Properties

describe('stream fuzz', () => {
  it('mutated handshakes and stream URL queries: a documented close, never 1011', async () => {
    await fc.assert(
      fc.asyncProperty(provider, extraQuery, frameSpec, frameSpec, async (p, extra, connectedSpec, startSpec) => {
        const seeds = SEEDS[p];
        const frames = [...(seeds.connected.length > 0 ? [render(seeds.connected[0]!, connectedSpec)] : []), render(seeds.start, startSpec)];
        const before = snapshot();
        check(await stream({ ...extra, ...DEFAULT_QUERY, provider: p }, frames), frames, before);
      }),
      { numRuns: 100 },
    );
  });

  it('mutated frames after a valid handshake: a documented close, never 1011', async () => {
    await fc.assert(
      fc.asyncProperty(
        provider,
        fc.array(fc.tuple(fc.nat(), frameSpec), { minLength: 1, maxLength: 4 }),
        fc.constantFrom<'none' | 'stop' | 'tainted-stop'>('none', 'stop', 'tainted-stop'),
        fc.nat(),
        async (p, picks, ending, at) => {
          const seeds = SEEDS[p];
          const frames = [...seeds.connected.slice(0, 1).map((c) => JSON.stringify(c)), JSON.stringify(seeds.start)];
          for (const [i, spec] of picks) frames.push(render(seeds.inCall[i % seeds.inCall.length]!, spec));
          if (ending !== 'none') frames.push(JSON.stringify({ event: 'stop', stop: { reason: ending === 'stop' ? 'callended' : taint('caller hung up', at) } }));
          const before = snapshot();
          check(await stream({ ...DEFAULT_QUERY, provider: p }, frames), frames, before);
        },
      ),
      { numRuns: 60 },
    );
  });
});
