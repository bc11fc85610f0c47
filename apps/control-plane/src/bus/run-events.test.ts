import { BusErrorCode, MAX_RUN_EVENT_BYTES, Subjects, type RunEvent, type RunEventsResponse } from '@vr3/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextPatch } from '../db/run-events.ts';
import { finalizeRun } from '../db/runs.ts';
import { RunEventsErrorCode } from '../errors.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { admitStream, createAgentStreamFixture, type AgentStreamFixture } from '../testing/fixtures.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';

let server: TestPostgres;
let cp: TestControlPlane;
let fx: AgentStreamFixture;
const EDGE = 'edge-events';
const T0 = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

beforeAll(async () => {
  server = await startTestPostgres();
  cp = await startTestControlPlane({ databaseUrl: await server.createDatabase() });
  fx = await createAgentStreamFixture(cp, { domain: 'events' });
});
afterAll(async () => {
  await cp?.close();
  await server?.stop();
});

async function newRun(): Promise<string> {
  const res = await admitStream(cp, fx.agentUuid, { Domain: fx.domain, callId: 'call-1' }, { edgeId: EDGE });
  if (!res.ok) throw new Error('not admitted');
  return res.run.id;
}

const ev = (seq: number, type: RunEvent['type'], data: Record<string, unknown>): RunEvent => ({ seq, type, at: T0 + seq, data });

function send(runId: string, events: unknown[], edgeId = EDGE): Promise<RunEventsResponse> {
  return cp.bus.request<RunEventsResponse>(Subjects.RunEvents, { run_id: runId, edge_id: edgeId, events }, { timeoutMs: 5000 });
}

const stored = (runId: string) => cp.prisma.runEvent.findMany({ where: { runId }, orderBy: { seq: 'asc' } });
const gathered = async (runId: string) => (await cp.prisma.workflowRun.findUniqueOrThrow({ where: { id: runId } })).gatheredContext;

describe('RunEvents', () => {
  it('stores a batch with its seq, type, data and emission time', async () => {
    const runId = await newRun();
    const batch = [ev(1, 'transcript', { role: 'caller', text: 'hello' }), ev(2, 'metric', { name: 'ttfb', value: 120, unit: 'ms' }), ev(3, 'log', { level: 'warn', message: 'slow' })];
    expect(await send(runId, batch)).toEqual({ ok: true, stored: 3 });
    const rows = await stored(runId);
    expect(rows.map((r) => ({ seq: r.seq, type: r.type, data: r.data, at: r.emittedAt.getTime() }))).toEqual(batch.map((e) => ({ seq: e.seq, type: e.type, data: e.data, at: e.at })));
  });

  it('is idempotent: a resent or overlapping batch stores nothing twice', async () => {
    const runId = await newRun();
    const batch = [ev(1, 'event', { n: 1 }), ev(2, 'event', { n: 2 })];
    expect(await send(runId, batch)).toEqual({ ok: true, stored: 2 });
    expect(await send(runId, batch)).toEqual({ ok: true, stored: 0 });
    expect(await send(runId, [ev(2, 'event', { n: 'changed' }), ev(3, 'event', { n: 3 }), ev(3, 'event', { n: 'dup' })])).toEqual({ ok: true, stored: 1 });
    expect((await stored(runId)).map((r) => [r.seq, r.data])).toEqual([
      [1, { n: 1 }],
      [2, { n: 2 }],
      [3, { n: 3 }],
    ]);
  });

  it('merges context events into gathered_context in seq order, idempotently, never over reserved keys', async () => {
    const runId = await newRun();
    expect(await gathered(runId)).toEqual({ call_id: 'call-1' });
    const batch = [ev(3, 'context', { b: 2, c: { nested: true } }), ev(1, 'context', { a: 1, b: 1 }), ev(2, 'transcript', { role: 'agent', text: 'hi' })];
    expect(await send(runId, batch)).toEqual({ ok: true, stored: 3 });
    const after = { call_id: 'call-1', a: 1, b: 2, c: { nested: true } };
    expect(await gathered(runId)).toEqual(after);
    // A resent batch changes nothing, not even keys a later event set.
    expect(await send(runId, [ev(1, 'context', { a: 1, b: 1 })])).toEqual({ ok: true, stored: 0 });
    expect(await gathered(runId)).toEqual(after);
    // A late event never undoes what a later one set; its other keys apply.
    expect(await send(runId, [ev(6, 'context', { a: 6 })])).toEqual({ ok: true, stored: 1 });
    expect(await send(runId, [ev(5, 'context', { a: 5, d: 5 })])).toEqual({ ok: true, stored: 1 });
    expect(await gathered(runId)).toEqual({ ...after, a: 6, d: 5 });
    // Keys the control-plane records (provider session ids) are kept; the event is stored anyway.
    expect(await send(runId, [ev(7, 'context', { session_id: 'other-call', call_id: 'x', e: 7 })])).toEqual({ ok: true, stored: 1 });
    expect(await gathered(runId)).toEqual({ ...after, a: 6, d: 5, e: 7 });
    expect((await stored(runId)).map((r) => r.seq)).toEqual([1, 2, 3, 5, 6, 7]);
  });

  it('accepts events for a run that already ended', async () => {
    const runId = await newRun();
    await finalizeRun(cp.prisma, { runId, state: 'completed', endReason: 'caller_hangup' });
    expect(await send(runId, [ev(1, 'context', { outcome: 'done' }), ev(2, 'log', { level: 'info', message: 'bye' })])).toEqual({ ok: true, stored: 2 });
    expect(await gathered(runId)).toMatchObject({ outcome: 'done' });
  });

  it('refuses events for an unknown run or from another edge than the run\'s', async () => {
    const runId = await newRun();
    await expect(send(crypto.randomUUID(), [ev(1, 'event', {})])).rejects.toMatchObject({ code: BusErrorCode.Remote, cause: { code: RunEventsErrorCode.RunNotFound } });
    await expect(send(runId, [ev(1, 'context', { a: 1 })], 'edge-other')).rejects.toMatchObject({ code: BusErrorCode.Remote, cause: { code: RunEventsErrorCode.EdgeMismatch } });
    expect(await stored(runId)).toEqual([]);
    expect(await gathered(runId)).toEqual({ call_id: 'call-1' });
  });

  it('stores text an edge repaired (U+FFFD), and a literal backslash-u0000, which is not a NUL', async () => {
    const runId = await newRun();
    const batch = [ev(1, 'transcript', { role: 'agent', text: 'bad\uFFFD \\u0000 😀', 'k\uFFFD': true })];
    expect(await send(runId, batch)).toEqual({ ok: true, stored: 1 });
    expect((await stored(runId)).map((r) => r.data)).toEqual([batch[0]!.data]);
  });

  it('refuses malformed batches as a whole', async () => {
    const runId = await newRun();
    const ok = ev(100, 'event', {});
    const bad: unknown[][] = [
      [],
      [ok, { ...ev(1, 'event', {}), type: 'nope' }],
      [ok, { ...ev(1, 'event', {}), seq: 0 }],
      [ok, ev(2 ** 31, 'event', {})],
      [ok, { ...ev(1, 'event', {}), at: 9e15 }],
      [ok, ev(1, 'event', { text: 'x'.repeat(MAX_RUN_EVENT_BYTES) })],
      [ok, ev(1, 'event', { text: 'nul\u0000' })],
      [ok, ev(1, 'event', { text: 'lone \uD800' })],
      [ok, ev(1, 'event', { nested: [{ 'key\uDC00': 1 }] })],
      Array.from({ length: 201 }, (_, i) => ev(i + 1, 'event', {})),
    ];
    for (const events of bad) {
      await expect(send(runId, events)).rejects.toMatchObject({ code: BusErrorCode.Remote, cause: { code: BusErrorCode.BadMessage } });
    }
    expect(await stored(runId)).toEqual([]);
  });
});

describe('contextPatch', () => {
  it('applies fresh events in seq order unless a later stored event set the key', () => {
    expect(contextPatch([{ seq: 2, data: { a: 2 } }, { seq: 1, data: { a: 1, b: 1 } }], [])).toEqual({ a: 2, b: 1 });
    expect(contextPatch([{ seq: 1, data: { a: 1, b: 1 } }], [{ seq: 1, data: { a: 1, b: 1 } }, { seq: 2, data: { a: 2 } }])).toEqual({ b: 1 });
    expect(contextPatch([{ seq: 1, data: { stream_id: 's', ok: true } }], [])).toEqual({ ok: true });
  });
});
