import { BusError, MAX_RUN_EVENT_BYTES, MAX_RUN_EVENTS_PER_REQUEST, type RunEvent } from '@vr3/protocol';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEdgeMetrics } from '../metrics.ts';
import { RunEventQueue, type RunEventQueueOptions } from './run-events.ts';

type Send = (events: RunEvent[]) => Promise<unknown>;

let registry: Registry;
beforeEach(() => {
  registry = new Registry();
});
afterEach(() => {
  vi.useRealTimers();
});

function queue(send: Send, options: Partial<RunEventQueueOptions> = {}) {
  const batches: RunEvent[][] = [];
  const q = new RunEventQueue({
    send: (events) => {
      batches.push(events);
      return send(events);
    },
    maxEvents: 100,
    maxBytes: 64 * 1024,
    retryBackoffMs: 50,
    metrics: createEdgeMetrics(registry),
    logger: pino({ level: 'silent' }),
    now: () => 1_700_000_000_000,
    ...options,
  });
  return { q, batches };
}

const ok: Send = () => Promise.resolve({ ok: true, stored: 1 });
const flushMicrotasks = () => new Promise((r) => setImmediate(r));
const outcome = async (name: string) => (await registry.getSingleMetric('vr3_media_edge_run_events_total')!.get()).values.find((v) => v.labels.outcome === name)?.value ?? 0;

describe('RunEventQueue', () => {
  it('numbers events from 1 in emission order and sends the events of one turn in one request', async () => {
    const { q, batches } = queue(ok);
    q.push('transcript', { role: 'caller', text: 'hi' });
    q.push('context', { intent: 'billing' });
    q.push('metric', { name: 'ttfb', value: 12, unit: 'ms' });
    await flushMicrotasks();
    expect(batches).toEqual([
      [
        { seq: 1, at: 1_700_000_000_000, type: 'transcript', data: { role: 'caller', text: 'hi' } },
        { seq: 2, at: 1_700_000_000_000, type: 'context', data: { intent: 'billing' } },
        { seq: 3, at: 1_700_000_000_000, type: 'metric', data: { name: 'ttfb', value: 12, unit: 'ms' } },
      ],
    ]);
    q.push('log', { level: 'info', message: 'later' });
    await flushMicrotasks();
    expect(batches[1]).toEqual([expect.objectContaining({ seq: 4 })]);
    expect(await outcome('sent')).toBe(4);
  });

  it('keeps a snapshot of the data: the engine may reuse its objects', async () => {
    const { q, batches } = queue(ok);
    const data = { values: { a: 1 } };
    q.push('variables', data);
    data.values.a = 2;
    await flushMicrotasks();
    expect(batches[0]![0]!.data).toEqual({ values: { a: 1 } });
  });

  it('repairs text the database cannot store (NUL, unpaired surrogates, in values and keys) with U+FFFD: the event is kept', async () => {
    const { q, batches } = queue(ok);
    const data = { role: 'agent', text: 'bad\u0000 \uD800 end', nested: [{ ['k\uDC00']: 'ok 😀' }] };
    q.push('transcript', data);
    q.push('context', { ['x\u0000']: 'y' });
    await flushMicrotasks();
    expect(batches).toEqual([
      [
        expect.objectContaining({ seq: 1, type: 'transcript', data: { role: 'agent', text: 'bad\uFFFD \uFFFD end', nested: [{ 'k\uFFFD': 'ok 😀' }] } }),
        expect.objectContaining({ seq: 2, type: 'context', data: { 'x\uFFFD': 'y' } }),
      ],
    ]);
    expect(data.text).toBe('bad\u0000 \uD800 end');
    expect(await outcome('sent')).toBe(2);
    expect(await outcome('refused')).toBe(0);
  });

  it('refuses an event over MAX_RUN_EVENT_BYTES or not a JSON object, with a log event in its place (no content)', async () => {
    const { q, batches } = queue(ok);
    q.push('transcript', { role: 'agent', text: 'x'.repeat(MAX_RUN_EVENT_BYTES) });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    q.push('event', circular);
    q.push('event', ['not', 'an', 'object'] as unknown);
    await flushMicrotasks();
    const events = batches.flat();
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'log'],
      [2, 'log'],
      [3, 'log'],
    ]);
    expect(events[0]!.data).toMatchObject({ level: 'warn', event_type: 'transcript', bytes: expect.any(Number) });
    expect(JSON.stringify(events)).not.toContain('xxxx');
    expect(await outcome('refused')).toBe(3);
  });

  it('splits a backlog into requests of at most MAX_RUN_EVENTS_PER_REQUEST events, in order', async () => {
    const { q, batches } = queue(ok, { maxEvents: 1000 });
    for (let i = 0; i < MAX_RUN_EVENTS_PER_REQUEST + 5; i++) q.push('metric', { name: 'n', value: i });
    await q.close(1000);
    expect(batches.map((b) => b.length)).toEqual([MAX_RUN_EVENTS_PER_REQUEST, 5]);
    expect(batches.flat().map((e) => e.seq)).toEqual(Array.from({ length: MAX_RUN_EVENTS_PER_REQUEST + 5 }, (_, i) => i + 1));
  });

  it('retries a failed batch with doubling backoff and keeps the order', async () => {
    vi.useFakeTimers();
    let fail = 2;
    const { q, batches } = queue(() => (fail-- > 0 ? Promise.reject(new BusError('bus_timeout', 'timeout')) : Promise.resolve({ ok: true, stored: 2 })));
    q.push('log', { level: 'info', message: 'a' });
    q.push('log', { level: 'info', message: 'b' });
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(49);
    expect(batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1); // 50 ms
    expect(batches).toHaveLength(2);
    q.push('log', { level: 'info', message: 'c' }); // waits behind the retry
    await vi.advanceTimersByTimeAsync(99);
    expect(batches).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1); // 100 ms: delivered
    expect(batches.at(-1)!.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('when full, drops the oldest, counts them and records a log event saying how many', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { q, batches } = queue(() => gate.then(() => ({ ok: true, stored: 1 })), { maxEvents: 3 });
    q.push('metric', { name: 'first', value: 0 }); // goes out at once, held in flight
    await flushMicrotasks();
    for (let i = 1; i <= 5; i++) q.push('metric', { name: 'm', value: i });
    expect(q.size).toBe(3);
    expect(q.dropped).toBe(2);
    release();
    await q.close(1000);
    const seqs = batches.flat().map((e) => e.seq);
    expect(seqs).toEqual([1, 4, 5, 6, 7]); // 2 and 3 dropped; 7 is the note
    const note = batches.flat().at(-1)!;
    expect(note).toMatchObject({ type: 'log', data: { level: 'warn', dropped: 2 } });
    expect(await outcome('dropped')).toBe(2);
  });

  it('close flushes what is queued, then takes nothing more', async () => {
    const { q, batches } = queue(ok);
    q.push('log', { level: 'info', message: 'a' });
    await q.close(1000);
    q.push('log', { level: 'info', message: 'late' });
    await flushMicrotasks();
    expect(batches.flat().map((e) => e.data.message)).toEqual(['a']);
    expect(q.close(1000)).toBe(q.close(5)); // idempotent
  });

  it('close gives up at its deadline when the bus stays down, counting the rest unsent, and leaves no timer', async () => {
    vi.useFakeTimers();
    const { q } = queue(() => Promise.reject(new BusError('bus_no_responders', 'none')));
    q.push('log', { level: 'info', message: 'a' });
    q.push('log', { level: 'info', message: 'b' });
    const closed = q.close(300);
    await vi.advanceTimersByTimeAsync(300);
    await closed;
    expect(await outcome('unsent')).toBe(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops at once when the bus is closed', async () => {
    const { q, batches } = queue(() => Promise.reject(new BusError('bus_closed', 'closed')));
    q.push('log', { level: 'info', message: 'a' });
    const began = Date.now();
    await q.close(5_000);
    expect(Date.now() - began).toBeLessThan(1_000);
    expect(batches).toHaveLength(1);
  });

  it('drops a batch the control-plane refuses for good instead of re-sending it, and goes on', async () => {
    let first = true;
    const refusal = () => new BusError('bus_remote_error', 'responder failed', { cause: { code: 'run_edge_mismatch' } });
    const { q, batches } = queue(() => {
      if (!first) return ok([]);
      first = false;
      return Promise.reject(refusal());
    });
    q.push('log', { level: 'info', message: 'a' });
    await flushMicrotasks();
    q.push('log', { level: 'info', message: 'b' });
    await q.close(1000);
    expect(batches.map((b) => b.map((e) => e.seq))).toEqual([[1], [2]]);
    expect(await outcome('refused')).toBe(1);
    expect(await outcome('sent')).toBe(1);
  });
});
