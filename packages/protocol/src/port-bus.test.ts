import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bus } from './bus.ts';
import { BusError } from './errors.ts';
import { createPortBus } from './port-bus.ts';

const failureOf = async (p: Promise<unknown>): Promise<BusError | 'resolved' | 'other'> => {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return err instanceof BusError ? err : 'other';
  }
};
const codeOf = async (p: Promise<unknown>) => {
  const f = await failureOf(p);
  return f instanceof BusError ? f.code : f;
};
/** Lets the ends exchange what is in flight (subscriptions, replies). */
const settle = () => new Promise((r) => setTimeout(r, 20));

let open: Bus[] = [];
function pair(): [Bus, Bus] {
  const { port1, port2 } = new MessageChannel();
  const ends: [Bus, Bus] = [createPortBus(port1), createPortBus(port2)];
  open.push(...ends);
  return ends;
}
afterEach(async () => {
  await Promise.all(open.map((b) => b.close()));
  open = [];
});

describe('port bus', () => {
  it('answers a request from the other end with a JSON copy, in both directions', async () => {
    const [main, worker] = pair();
    worker.respond('vr3.cp.admit', (data) => ({ at: new Date(0), n: (data as { n: number }).n + 1 }));
    main.respond('vr3.edge.run.r1.control', () => 'ok');
    await settle();
    expect(await main.request('vr3.cp.admit', { n: 1, skip: undefined }, { timeoutMs: 500 })).toEqual({ at: '1970-01-01T00:00:00.000Z', n: 2 });
    expect(await worker.request('vr3.edge.run.r1.control', {}, { timeoutMs: 500 })).toBe('ok');
  });

  it('prefers a responder on its own end', async () => {
    const [main, worker] = pair();
    main.respond('s', () => 'main');
    worker.respond('s', () => 'worker');
    await settle();
    expect(await main.request('s', null, { timeoutMs: 500 })).toBe('main');
    expect(await worker.request('s', null, { timeoutMs: 500 })).toBe('worker');
  });

  it('fails as NATS does: no responders, timeout, remote error code, closed', async () => {
    const [main, worker] = pair();
    expect(await codeOf(main.request('none', {}, { timeoutMs: 100 }))).toBe('bus_no_responders');
    worker.respond('slow', () => new Promise((r) => setTimeout(r, 300)));
    worker.respond('boom', () => {
      throw Object.assign(new Error('nope'), { code: 'quota_exceeded' });
    });
    worker.respond('hang', () => new Promise(() => undefined));
    await settle();
    expect(await codeOf(main.request('slow', {}, { timeoutMs: 30 }))).toBe('bus_timeout');
    const remote = await failureOf(main.request('boom', {}, { timeoutMs: 500 }));
    expect(remote).toBeInstanceOf(BusError);
    expect((remote as BusError).code).toBe('bus_remote_error');
    expect((remote as BusError).cause).toEqual({ code: 'quota_exceeded' });
    const hanging = main.request('hang', {}, { timeoutMs: 5_000 });
    await main.close();
    expect(await codeOf(hanging)).toBe('bus_closed');
    expect(await codeOf(main.request('hang', {}, { timeoutMs: 100 }))).toBe('bus_closed');
  });

  it('stops routing to a responder once it unsubscribed', async () => {
    const [main, worker] = pair();
    const sub = worker.respond('s', () => 1);
    await settle();
    expect(await main.request('s', null, { timeoutMs: 500 })).toBe(1);
    sub.unsubscribe();
    await settle();
    expect(await codeOf(main.request('s', null, { timeoutMs: 100 }))).toBe('bus_no_responders');
  });

  it('delivers a message to subscribers on both ends, wildcards included, and only where someone listens', async () => {
    const [main, worker] = pair();
    const seen: string[] = [];
    worker.subscribe('vr3.edge.heartbeat.>', (data, subject) => seen.push(`worker ${subject} ${(data as { n: number }).n}`));
    main.subscribe('vr3.edge.heartbeat.e1', (_data, subject) => seen.push(`main ${subject}`));
    await settle();
    main.publish('vr3.edge.heartbeat.e1', { n: 7 });
    main.publish('other', { n: 1 });
    await settle();
    expect(seen.sort()).toEqual(['main vr3.edge.heartbeat.e1', 'worker vr3.edge.heartbeat.e1 7']);
  });

  it('ends pending requests of the other end when one end closes its port', async () => {
    const [main, worker] = pair();
    worker.respond('hang', () => new Promise(() => undefined));
    await settle();
    const hanging = main.request('hang', {}, { timeoutMs: 5_000 });
    await worker.close();
    expect(await codeOf(hanging)).toBe('bus_closed');
  });
});
