import { BusError, BusErrorCode, CONTROL_PLANE_QUEUE, type Bus } from '@vr3/protocol';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNatsBus } from './nats-bus.ts';
import { watchConnection } from './connection-state.ts';
import { startNatsServer, type TestNatsServer } from './testing/nats-server.ts';

let server: TestNatsServer;
const connections: NatsConnection[] = [];

async function open(): Promise<{ nc: NatsConnection; bus: Bus }> {
  const nc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 50, pingInterval: 1_000 });
  connections.push(nc);
  return { nc, bus: createNatsBus(nc) };
}

beforeAll(async () => {
  server = await startNatsServer();
});

afterAll(async () => {
  await Promise.allSettled(connections.map((nc) => nc.close()));
  await server?.stop();
});

const rejection = async (p: Promise<unknown>): Promise<BusError> => {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(BusError);
    return err as BusError;
  }
  throw new Error('expected a rejection');
};

describe('NATS bus', () => {
  it('answers requests across connections with JSON payloads', async () => {
    const a = await open();
    const b = await open();
    b.bus.respond('t.echo', (data, subject) => ({ got: data, subject }));
    await b.nc.flush();
    expect(await a.bus.request('t.echo', { n: 1, s: 'x' }, { timeoutMs: 1000 })).toEqual({ got: { n: 1, s: 'x' }, subject: 't.echo' });
    b.bus.respond('t.void', () => undefined);
    await b.nc.flush();
    expect(await a.bus.request('t.void', undefined, { timeoutMs: 1000 })).toBeUndefined();
  });

  it('fails fast with bus_no_responders when nobody listens, and with bus_timeout when nobody answers in time', async () => {
    const a = await open();
    const t0 = Date.now();
    expect((await rejection(a.bus.request('t.nobody', {}, { timeoutMs: 2000 }))).code).toBe(BusErrorCode.NoResponders);
    expect(Date.now() - t0).toBeLessThan(500);
    const b = await open();
    b.bus.respond('t.slow', () => new Promise((r) => setTimeout(() => r('late'), 600)));
    await b.nc.flush();
    const t1 = Date.now();
    const err = await rejection(a.bus.request('t.slow', {}, { timeoutMs: 150 }));
    expect(err.code).toBe(BusErrorCode.Timeout);
    expect(err.retryable).toBe(true);
    expect(Date.now() - t1).toBeLessThan(500);
  });

  it('reports a responder failure as bus_remote_error with its code only', async () => {
    const a = await open();
    a.bus.respond('t.fail', () => {
      throw Object.assign(new Error('secret detail'), { code: 'quota_db_down' });
    });
    await a.nc.flush();
    const err = await rejection(a.bus.request('t.fail', {}, { timeoutMs: 1000 }));
    expect(err.code).toBe(BusErrorCode.Remote);
    expect(err.cause).toEqual({ code: 'quota_db_down' });
    expect(JSON.stringify(err.cause)).not.toContain('secret');
  });

  it('delivers each request to one member of a queue group, spread over the members', async () => {
    const members = [await open(), await open(), await open()];
    const seen = members.map(() => 0);
    members.forEach((m, i) =>
      m.bus.respond(
        't.q',
        () => {
          seen[i]! += 1;
          return i;
        },
        { queue: CONTROL_PLANE_QUEUE },
      ),
    );
    await Promise.all(members.map((m) => m.nc.flush()));
    const caller = await open();
    await Promise.all(Array.from({ length: 60 }, () => caller.bus.request('t.q', {}, { timeoutMs: 1000 })));
    expect(seen.reduce((x, y) => x + y, 0)).toBe(60);
    expect(seen.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
  });

  it('publishes to every subscriber, including wildcard ones', async () => {
    const a = await open();
    const got: unknown[] = [];
    a.bus.subscribe('t.pub.>', (data, subject) => got.push([subject, data]));
    a.bus.subscribe('t.pub.one', (data) => got.push(data));
    await a.nc.flush();
    const b = await open();
    b.bus.publish('t.pub.one', { beat: 1 });
    await expect.poll(() => got.length).toBe(2);
    expect(got).toContainEqual(['t.pub.one', { beat: 1 }]);
  });

  it('rejects pending requests with bus_closed on close, and stops answering', async () => {
    const a = await open();
    const b = await open();
    b.bus.respond('t.hang', () => new Promise(() => undefined));
    await b.nc.flush();
    const pending = a.bus.request('t.hang', {}, { timeoutMs: 5000 });
    await a.bus.close();
    expect((await rejection(pending)).code).toBe(BusErrorCode.Closed);
    expect((await rejection(a.bus.request('t.hang', {}, { timeoutMs: 100 }))).code).toBe(BusErrorCode.Closed);
    await b.bus.close();
    const c = await open();
    expect((await rejection(c.bus.request('t.hang', {}, { timeoutMs: 1000 }))).code).toBe(BusErrorCode.NoResponders);
  });

  it('honours an abort signal', async () => {
    const a = await open();
    a.bus.respond('t.abort', () => new Promise(() => undefined));
    await a.nc.flush();
    const controller = new AbortController();
    const p = a.bus.request('t.abort', {}, { timeoutMs: 5000, signal: controller.signal });
    controller.abort();
    expect((await rejection(p)).code).toBe(BusErrorCode.Timeout);
  });

  it('survives a server restart: subscriptions come back and requests work again', async () => {
    const responder = await open();
    const requester = await open();
    const state = watchConnection(requester.nc);
    responder.bus.respond('t.after', () => 'pong', { queue: CONTROL_PLANE_QUEUE });
    await responder.nc.flush();
    expect(await requester.bus.request('t.after', {}, { timeoutMs: 1000 })).toBe('pong');
    await server.restart();
    await expect.poll(() => state.reconnects, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    expect(state.connected).toBe(true);
    await expect.poll(() => requester.bus.request('t.after', {}, { timeoutMs: 500 }).catch((e: BusError) => e.code), { timeout: 10_000 }).toBe('pong');
    state.stop();
  });
});
