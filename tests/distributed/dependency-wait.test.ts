/**
 * Started before their backing services (`turbo dev`, a whole stack coming up at once), a
 * control-plane and a media-edge say in the log what they wait for, keep trying, and come up once
 * PostgreSQL and NATS answer.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres, startTestRedis, type TestPostgres, type TestRedis } from '@vr3/control-plane/testing';
import { freePort, startNatsServer, type TestNatsServer } from '@vr3/nats-bus/testing';
import { eventually } from '../harness/product.ts';
import { ServiceProcess } from '../harness/distributed.ts';

let db: TestPostgres;
let redis: TestRedis;
let nats: TestNatsServer | undefined;
let dbProxy: net.Server | undefined;
const services: ServiceProcess[] = [];

beforeAll(async () => {
  [db, redis] = await Promise.all([startTestPostgres(), startTestRedis()]);
});

afterAll(async () => {
  await Promise.allSettled(services.map((s) => s.stop()));
  await new Promise<void>((resolve) => (dbProxy ? dbProxy.close(() => resolve()) : resolve()));
  await Promise.allSettled([db?.stop(), nats?.stop(), redis?.stop()]);
});

/** A TCP forwarder on `port` to the test database: PostgreSQL "starting" on that port. */
function forwardTo(port: number, target: URL): Promise<net.Server> {
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

describe('start-up before the backing services', () => {
  it('the control-plane waits for PostgreSQL and NATS, the media-edge for NATS, logging it, and both come up once they answer', async () => {
    const [natsPort, pgPort] = await Promise.all([freePort(), freePort()]);
    const databaseUrl = new URL(await db.createDatabase());
    const viaProxy = new URL(databaseUrl);
    viaProxy.port = String(pgPort);
    const natsUrl = `nats://127.0.0.1:${natsPort}`;
    const cp = ServiceProcess.spawn('control-plane', 'cp-waiting', {
      DATABASE_URL: viaProxy.toString(),
      NATS_URL: natsUrl,
      REDIS_URL: redis.url,
      VR3_SECRET_KEY: randomBytes(32).toString('hex'),
      VR3_MIGRATE_ON_START: 'true',
      PORT: '0',
      HOST: '127.0.0.1',
    });
    const edge = ServiceProcess.spawn('media-edge', 'edge-waiting', { NATS_URL: natsUrl, PORT: '0', HOST: '127.0.0.1', VR3_EDGE_ID: 'edge-waiting' });
    services.push(cp, edge);
    const waits = (s: ServiceProcess, dependency: string) => s.logLines('dependency unavailable, retrying').filter((l) => l.dependency === dependency);

    // Nothing answers yet: each says what it waits for, where, and keeps trying.
    await eventually(async () => waits(cp, 'postgresql').length >= 2 && waits(edge, 'nats').length >= 2, 15_000);
    expect(waits(cp, 'postgresql')[0]).toMatchObject({ level: 40, target: `127.0.0.1:${pgPort}`, attempt: 1, error: { code: 'ECONNREFUSED' } });
    expect(waits(edge, 'nats')[0]).toMatchObject({ level: 40, target: `127.0.0.1:${natsPort}`, attempt: 1 });
    expect(cp.alive && edge.alive).toBe(true);
    expect(cp.logLines('listening')).toHaveLength(0);
    expect(edge.logLines('listening')).toHaveLength(0);

    // PostgreSQL comes up: the control-plane migrates and goes on to wait for NATS.
    dbProxy = await forwardTo(pgPort, databaseUrl);
    await eventually(async () => waits(cp, 'nats').length >= 1, 20_000);
    expect(cp.logLines('dependency available').find((l) => l.dependency === 'postgresql')).toBeDefined();

    // NATS comes up: both listen.
    nats = await startNatsServer({ port: natsPort });
    await eventually(async () => cp.logLines('listening').length > 0 && edge.logLines('listening').length > 0, 20_000);
    expect(edge.logLines('dependency available')).toMatchObject([{ dependency: 'nats' }]);
    const cpPort = cp.logLines('listening')[0]!.port as number;
    const ready = await eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${cpPort}/readyz`);
      return res.status === 200 ? res : undefined;
    }, 10_000);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });
});
