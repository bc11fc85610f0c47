import { describe, expect, it } from 'vitest';
import { BusError } from './errors.ts';
import { createInProcessBus } from './in-process-bus.ts';

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return err instanceof BusError ? err.code : 'other';
  }
};

describe('in-process bus', () => {
  it('answers a request with a JSON copy of the responder result', async () => {
    const bus = createInProcessBus();
    const seen: unknown[] = [];
    bus.respond('a.b', (data) => {
      seen.push(data);
      return { at: new Date(0), n: (data as { n: number }).n + 1 };
    });
    const input = { n: 1, skip: undefined };
    const res = await bus.request<{ at: string; n: number }>('a.b', input, { timeoutMs: 100 });
    expect(res).toEqual({ at: '1970-01-01T00:00:00.000Z', n: 2 });
    expect(seen[0]).not.toBe(input);
    expect(seen[0]).toEqual({ n: 1 });
  });

  it('rejects with bus_no_responders, bus_timeout and bus_remote_error', async () => {
    const bus = createInProcessBus();
    expect(await codeOf(bus.request('none', {}, { timeoutMs: 50 }))).toBe('bus_no_responders');
    bus.respond('slow', () => new Promise((r) => setTimeout(r, 200)));
    const started = Date.now();
    expect(await codeOf(bus.request('slow', {}, { timeoutMs: 30 }))).toBe('bus_timeout');
    expect(Date.now() - started).toBeLessThan(150);
    bus.respond('boom', () => {
      throw new Error('nope');
    });
    expect(await codeOf(bus.request('boom', {}, { timeoutMs: 50 }))).toBe('bus_remote_error');
  });

  it('an aborted request rejects at once', async () => {
    const bus = createInProcessBus();
    bus.respond('slow', () => new Promise((r) => setTimeout(r, 200)));
    const ac = new AbortController();
    const p = bus.request('slow', {}, { timeoutMs: 1000, signal: ac.signal });
    ac.abort();
    expect(await codeOf(p)).toBe('bus_timeout');
  });

  it('delivers each request to one member of a queue group, round-robin', async () => {
    const bus = createInProcessBus();
    const hits = [0, 0, 0];
    for (let i = 0; i < 3; i++) bus.respond('q', () => ++hits[i]!, { queue: 'g' });
    for (let i = 0; i < 9; i++) await bus.request('q', {}, { timeoutMs: 50 });
    expect(hits).toEqual([3, 3, 3]);
  });

  it('publishes to exact and wildcard subscribers; unsubscribe stops delivery', async () => {
    const bus = createInProcessBus();
    const got: string[] = [];
    const exact = bus.subscribe('edge.run.1.control', (_d, s) => got.push(`exact:${s}`));
    bus.subscribe('edge.run.>', (_d, s) => got.push(`wild:${s}`));
    bus.publish('edge.run.1.control', { x: 1 });
    await new Promise((r) => setTimeout(r, 5));
    exact.unsubscribe();
    bus.publish('edge.run.1.control', { x: 2 });
    bus.publish('other', {});
    await new Promise((r) => setTimeout(r, 5));
    expect(got.sort()).toEqual(['exact:edge.run.1.control', 'wild:edge.run.1.control', 'wild:edge.run.1.control']);
  });

  it('close rejects pending requests with bus_closed and refuses new ones', async () => {
    const bus = createInProcessBus();
    bus.respond('slow', () => new Promise((r) => setTimeout(r, 200)));
    const pending = bus.request('slow', {}, { timeoutMs: 1000 });
    await bus.close();
    await bus.close();
    expect(await codeOf(pending)).toBe('bus_closed');
    expect(await codeOf(bus.request('slow', {}, { timeoutMs: 10 }))).toBe('bus_closed');
  });
});
