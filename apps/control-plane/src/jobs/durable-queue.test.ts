import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrisma, type Db } from '../db/prisma.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { createDurableJobQueue, type DurableJobQueue } from './durable-queue.ts';
import { insertOutboxJob } from './outbox.ts';
import type { JobContext } from './queue.ts';

let pg: TestPostgres;
const cleanup: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  pg = await startTestPostgres();
});

afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  await pg?.stop();
});

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const opts = (jobId: string, attempts = 1, backoffMs = 0) => ({ jobId, attempts, backoffMs });

/** A fresh database (one embedded product's). */
async function database(): Promise<Db> {
  const prisma = createPrisma(await pg.createDatabase());
  cleanup.push(() => prisma.$disconnect());
  return prisma;
}

/** One process's queue, with the warn/error lines it logged. */
function queueOn(prisma: Db): { queue: DurableJobQueue; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  const queue = createDurableJobQueue({ prisma, logger });
  cleanup.unshift(() => queue.close());
  return { queue, lines };
}

const row = (prisma: Db, jobId: string) => prisma.jobOutbox.findUnique({ where: { jobId } });
const state = async (prisma: Db, jobId: string) => (await row(prisma, jobId))?.state;

describe('createDurableJobQueue', () => {
  it('runs a job with its data and id, and marks its row done', async () => {
    const prisma = await database();
    const { queue } = queueOn(prisma);
    const seen: Array<{ data: unknown; job: JobContext }> = [];
    queue.process('work', async (data, job) => void seen.push({ data, job: { ...job } }));
    expect(await queue.enqueue('work', { n: 1, at: new Date(0) }, opts('a', 3, 10))).toBe(true);
    await expect.poll(() => state(prisma, 'a')).toBe('done');
    expect(seen).toEqual([{ data: { n: 1, at: '1970-01-01T00:00:00.000Z' }, job: { id: 'a', name: 'work', attempt: 1, attempts: 3, isLastAttempt: false } }]);
    expect((await row(prisma, 'a'))?.finishedAt).toBeInstanceOf(Date);
  });

  it('retries a failing job with exponential backoff and records its error code, not its message', async () => {
    const prisma = await database();
    const { queue, lines } = queueOn(prisma);
    const tries: Array<{ at: number; attempt: number; last: boolean }> = [];
    queue.process('flaky', async (_data, job) => {
      tries.push({ at: Date.now(), attempt: job.attempt, last: job.isLastAttempt });
      throw Object.assign(new Error('provider said token=secret'), { code: 'provider_unavailable', retryable: true });
    });
    let fatalTries = 0;
    queue.process('fatal', async () => {
      fatalTries += 1;
      throw Object.assign(new Error('no session'), { code: 'session_unknown', retryable: false });
    });
    await queue.enqueue('flaky', {}, opts('f', 3, 60));
    await queue.enqueue('fatal', {}, opts('x', 5, 10));
    await expect.poll(() => state(prisma, 'f'), { timeout: 5_000 }).toBe('failed');
    expect(tries.map((t) => [t.attempt, t.last])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(55);
    expect(tries[2]!.at - tries[1]!.at).toBeGreaterThanOrEqual(115);
    expect((await row(prisma, 'f'))?.error).toBe('provider_unavailable');
    await expect.poll(() => state(prisma, 'x')).toBe('failed');
    expect((await row(prisma, 'x'))?.error).toBe('session_unknown');
    await wait(50);
    expect(fatalTries).toBe(1);
    expect(lines.filter((l) => l['msg'] === 'job failed').map((l) => [l['job_id'], l['level']])).toEqual(
      expect.arrayContaining([
        ['f', 50],
        ['x', 50],
      ]),
    );
  });

  it('absorbs an enqueue while the job is pending and takes the id again once it is done', async () => {
    const prisma = await database();
    const { queue } = queueOn(prisma);
    const seen: unknown[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    queue.process('work', async (data) => {
      seen.push(data);
      await gate;
    });
    expect(await queue.enqueue('work', { n: 1 }, opts('a'))).toBe(true);
    expect(await queue.enqueue('work', { n: 2 }, opts('a'))).toBe(false);
    await expect.poll(() => seen.length).toBe(1);
    expect(await queue.enqueue('work', { n: 3 }, opts('a'))).toBe(false);
    release();
    await expect.poll(() => state(prisma, 'a')).toBe('done');
    expect(await queue.enqueue('work', { n: 4 }, opts('a'))).toBe(true);
    await expect.poll(() => seen.length).toBe(2);
    await expect.poll(() => state(prisma, 'a')).toBe('done');
    expect(seen).toEqual([{ n: 1 }, { n: 4 }]);
    expect(await prisma.jobOutbox.count()).toBe(1);
  });

  it('close waits for running jobs, defers one backing off, and a restarted process runs it once its handler exists', async () => {
    const prisma = await database();
    const first = queueOn(prisma);
    let slowDone = false;
    first.queue.process('slow', async () => {
      await wait(100);
      slowDone = true;
    });
    let firstTries = 0;
    first.queue.process('provider.hangup', async () => {
      firstTries += 1;
      throw Object.assign(new Error('provider 503'), { code: 'provider_unavailable' });
    });
    await first.queue.enqueue('slow', {}, opts('s'));
    await first.queue.enqueue('provider.hangup', { run_id: 'r1' }, opts('h', 5, 60_000));
    await expect.poll(() => firstTries).toBe(1);
    await first.queue.close();
    expect(slowDone).toBe(true);
    expect(await state(prisma, 's')).toBe('done');
    expect(['pending', 'relayed']).toContain(await state(prisma, 'h'));
    expect(first.lines.filter((l) => l['job_id'] === 'h').map((l) => [l['msg'], l['level']])).toEqual([['job deferred to the next start', 40]]);
    await expect(first.queue.enqueue('slow', {}, opts('s2'))).rejects.toMatchObject({ code: 'job_queue_closed' });

    // The restarted process: the job waits for its handler, then runs from attempt 1.
    const second = queueOn(prisma);
    await second.queue.relayNow();
    await wait(50);
    expect(await state(prisma, 'h')).toBe('relayed');
    const seen: Array<{ data: unknown; attempt: number }> = [];
    second.queue.process('provider.hangup', async (data, job) => void seen.push({ data, attempt: job.attempt }));
    await expect.poll(() => state(prisma, 'h')).toBe('done');
    expect(seen).toEqual([{ data: { run_id: 'r1' }, attempt: 1 }]);
    expect(firstTries).toBe(1);
  });

  it('close runs what was queued just before it (a drain\'s hangups), however many at once', async () => {
    const prisma = await database();
    const { queue, lines } = queueOn(prisma);
    const done: string[] = [];
    queue.process('hangup', async (data) => {
      await wait(30);
      done.push((data as { run: string }).run);
    });
    const ids = Array.from({ length: 6 }, (_, i) => `h${i}`);
    await Promise.all(ids.map((id) => queue.enqueue('hangup', { run: id }, opts(id))));
    await queue.close();
    expect(done.sort()).toEqual(ids);
    for (const id of ids) expect(await state(prisma, id)).toBe('done');
    expect(lines.filter((l) => l['msg'] === 'job deferred to the next start')).toEqual([]);
  });

  it('runs the jobs a crashed process wrote but never ran, once each, and absorbs the same job queued again', async () => {
    const prisma = await database();
    // The crashed process wrote its rows; one was even handed over (relayed) before it died.
    for (let i = 0; i < 5; i++) await insertOutboxJob(prisma, 'count', { i }, opts(`c${i}`, 3, 10));
    await prisma.jobOutbox.update({ where: { jobId: 'c4' }, data: { state: 'relayed', relayedAt: new Date(Date.now() - 60_000) } });
    const runs: number[] = [];
    const { queue } = queueOn(prisma);
    // The new process queues the same job again before its handler exists: the stored row absorbs it.
    expect(await queue.enqueue('count', { i: 99 }, opts('c0'))).toBe(false);
    queue.process('count', async (data) => void runs.push((data as { i: number }).i));
    await expect.poll(async () => (await prisma.jobOutbox.findMany({ where: { state: 'done' } })).length).toBe(5);
    await queue.relayNow();
    await wait(50);
    expect([...runs].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4]);
  });

  it('prunes rows finished more than 7 days ago at start', async () => {
    const prisma = await database();
    const day = 24 * 3_600_000;
    for (const [jobId, age] of [['old', 8 * day], ['recent', 6 * day]] as const) {
      await insertOutboxJob(prisma, 'work', {}, opts(jobId));
      await prisma.jobOutbox.update({ where: { jobId }, data: { state: 'failed', error: 'internal', finishedAt: new Date(Date.now() - age) } });
    }
    const { queue } = queueOn(prisma);
    await queue.relayNow();
    expect((await prisma.jobOutbox.findMany({ orderBy: { id: 'asc' } })).map((r) => r.jobId)).toEqual(['recent']);
  });

  it('runs a scheduled job every period, never two at once, without storing it, and stops at close', async () => {
    const prisma = await database();
    const { queue } = queueOn(prisma);
    let runs = 0;
    let active = 0;
    let overlapping = 0;
    queue.process('tick', async (data, job) => {
      expect(data).toBeUndefined();
      expect(job).toMatchObject({ id: 'schedule.tick', attempts: 1 });
      active += 1;
      overlapping = Math.max(overlapping, active);
      runs += 1;
      await wait(25);
      active -= 1;
    });
    await queue.schedule('tick', { everyMs: 10 });
    await expect.poll(() => runs).toBeGreaterThanOrEqual(3);
    await queue.close();
    const after = runs;
    await wait(60);
    expect(runs).toBe(after);
    expect(overlapping).toBe(1);
    expect(await prisma.jobOutbox.count()).toBe(0);
  });
});
