import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrisma, type Db } from '../db/prisma.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { startTestRedis, type TestRedis } from '../testing/redis.ts';
import { createBullJobQueue, type BullJobQueue } from './bullmq.ts';
import { insertOutboxJob } from './outbox.ts';
import type { JobContext } from './queue.ts';

let pg: TestPostgres;
let redis: TestRedis;
const cleanup: Array<() => Promise<unknown>> = [];
const logger = pino({ level: process.env['TEST_LOG'] ?? 'silent' });
let queueNo = 0;
let name = '';

beforeAll(async () => {
  [pg, redis] = await Promise.all([startTestPostgres(), startTestRedis()]);
});

afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  await redis?.stop();
  await pg?.stop();
});

/** A fresh database and queue name: the outbox of one database serves one queue name. */
async function deployment(): Promise<{ name: string; prisma: Db }> {
  const prisma = createPrisma(await pg.createDatabase());
  cleanup.unshift(() => prisma.$disconnect());
  return { name: `q${++queueNo}`, prisma };
}

/** A queue as one control-plane replica builds it (its own two connections). */
function replica({ name: queueName, prisma }: { name: string; prisma: Db }, overrides: { relayIntervalMs?: number; lostAfterMs?: number } = {}): BullJobQueue {
  const connection = new Redis(redis.url, { maxRetriesPerRequest: 1, lazyConnect: false });
  const workerConnection = new Redis(redis.url, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  workerConnection.on('error', () => undefined);
  const queue = createBullJobQueue({ prisma, connection, workerConnection, logger, queueName, relayIntervalMs: 100, lostAfterMs: 1_000, ...overrides });
  cleanup.push(async () => {
    await queue.close();
    connection.disconnect();
    workerConnection.disconnect();
  });
  return queue;
}

let prisma: Db;
const outboxState = async (jobId: string) => (await prisma.jobOutbox.findUnique({ where: { jobId } }))?.state;
const opts = (jobId: string, attempts = 1, backoffMs = 0) => ({ jobId, attempts, backoffMs });

describe('BullMQ job queue behind the outbox', () => {
  it('runs a job once with its data, dedupes by jobId while pending, and takes the id again once done', async () => {
    const d = await deployment();
    ({ name, prisma } = d);
    const queue = replica(d);
    const seen: unknown[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    queue.process('work', async (data) => {
      seen.push(data);
      await gate;
    });
    expect(await queue.enqueue('work', { n: 1 }, opts(`${name}:a`))).toBe(true);
    expect(await queue.enqueue('work', { n: 2 }, opts(`${name}:a`))).toBe(false);
    await expect.poll(() => seen.length, { timeout: 5_000 }).toBe(1);
    release();
    await expect.poll(() => outboxState(`${name}:a`), { timeout: 5_000 }).toBe('done');
    expect(await queue.enqueue('work', { n: 3 }, opts(`${name}:a`))).toBe(true);
    await expect.poll(() => seen.length, { timeout: 5_000 }).toBe(2);
    expect(seen).toEqual([{ n: 1 }, { n: 3 }]);
  });

  it('retries with exponential backoff, and ends at once on a retryable:false error', async () => {
    const d = await deployment();
    ({ name, prisma } = d);
    const queue = replica(d);
    const tries: Array<{ at: number; ctx: JobContext }> = [];
    queue.process('flaky', async (_data, ctx) => {
      tries.push({ at: Date.now(), ctx: { ...ctx, isLastAttempt: ctx.isLastAttempt } });
      if (ctx.attempt < 3) throw Object.assign(new Error('provider 503'), { code: 'provider_unavailable', retryable: true });
    });
    let fatalTries = 0;
    queue.process('fatal', async () => {
      fatalTries += 1;
      throw Object.assign(new Error('no session'), { code: 'session_unknown', retryable: false });
    });
    await queue.enqueue('flaky', {}, opts(`${name}:f`, 5, 100));
    await queue.enqueue('fatal', {}, opts(`${name}:x`, 5, 50));
    await expect.poll(() => outboxState(`${name}:f`), { timeout: 10_000 }).toBe('done');
    expect(tries.map((t) => t.ctx.attempt)).toEqual([1, 2, 3]);
    expect(tries[0]!.ctx).toMatchObject({ id: `${name}:f`, name: 'flaky', attempts: 5, isLastAttempt: false });
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(90);
    expect(tries[2]!.at - tries[1]!.at).toBeGreaterThanOrEqual(190);
    await expect.poll(() => outboxState(`${name}:x`), { timeout: 10_000 }).toBe('failed');
    expect(fatalTries).toBe(1);
    expect((await prisma.jobOutbox.findUnique({ where: { jobId: `${name}:x` } }))?.error).toBe('session_unknown');
  });

  it('keeps a job enqueued while Redis is down and runs it once Redis is back', async () => {
    const d = await deployment();
    ({ name, prisma } = d);
    const queue = replica(d);
    const seen: unknown[] = [];
    queue.process('hangup', async (data) => void seen.push(data));
    await queue.enqueue('hangup', { warm: true }, opts(`${name}:warm`));
    await expect.poll(() => seen.length, { timeout: 5_000 }).toBe(1);
    await redis.stop();
    try {
      expect(await queue.enqueue('hangup', { run: 'r1' }, opts(`${name}:r1`))).toBe(true);
      await new Promise((r) => setTimeout(r, 500));
      expect(await outboxState(`${name}:r1`)).toBe('pending');
      expect((await queue.depths()).outbox_pending).toBeGreaterThanOrEqual(1);
    } finally {
      await redis.restart();
    }
    await expect.poll(() => seen, { timeout: 15_000 }).toContainEqual({ run: 'r1' });
    await expect.poll(() => outboxState(`${name}:r1`), { timeout: 5_000 }).toBe('done');
  });

  it('relays rows another replica wrote but never relayed (it crashed), and runs each job on one replica only', async () => {
    const d = await deployment();
    ({ name, prisma } = d);
    // The "crashed" replica wrote its rows and died before relaying them.
    for (let i = 0; i < 10; i++) await insertOutboxJob(prisma, 'count', { i }, opts(`${name}:${i}`));
    const runs: number[] = [];
    const a = replica(d);
    const b = replica(d);
    a.process('count', async (data) => void runs.push((data as { i: number }).i));
    b.process('count', async (data) => void runs.push((data as { i: number }).i));
    await expect.poll(() => runs.length, { timeout: 10_000 }).toBe(10);
    await new Promise((r) => setTimeout(r, 300));
    expect([...runs].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('relays again a relayed job that Redis lost in a restart', async () => {
    const d = await deployment();
    ({ name, prisma } = d);
    const writer = replica(d, { lostAfterMs: 500 });
    // Relayed, but no worker on this queue yet: the job sits in Redis.
    await writer.enqueue('late', { x: 1 }, opts(`${name}:lost`));
    await expect.poll(() => outboxState(`${name}:lost`), { timeout: 5_000 }).toBe('relayed');
    await redis.restart();
    const seen: unknown[] = [];
    writer.process('late', async (data) => void seen.push(data));
    await expect.poll(() => seen, { timeout: 15_000 }).toEqual([{ x: 1 }]);
  });

  it('runs a schedule once per period for the whole fleet', async () => {
    const d = await deployment();
    ({ name, prisma } = d);
    const a = replica(d);
    const b = replica(d);
    let ticks = 0;
    a.process('tick', async () => void (ticks += 1));
    b.process('tick', async () => void (ticks += 1));
    await a.schedule('tick', { everyMs: 300 });
    await b.schedule('tick', { everyMs: 300 });
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 1_600));
    const elapsed = Date.now() - t0;
    expect(ticks).toBeGreaterThanOrEqual(3);
    expect(ticks).toBeLessThanOrEqual(Math.ceil(elapsed / 300) + 1);
  });
});
