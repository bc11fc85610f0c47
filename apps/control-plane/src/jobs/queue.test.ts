import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createInProcessJobQueue, type JobContext } from './queue.ts';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await wait(5);
  }
}

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

describe('createInProcessJobQueue', () => {
  it('runs jobs with the data as JSON and dedupes by jobId while pending', async () => {
    const queue = createInProcessJobQueue();
    const seen: unknown[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    queue.process('work', async (data) => {
      seen.push(data);
      await gate;
    });
    expect(await queue.enqueue('work', { n: 1, at: new Date(0) }, { jobId: 'a', attempts: 1, backoffMs: 0 })).toBe(true);
    expect(await queue.enqueue('work', { n: 2 }, { jobId: 'a', attempts: 1, backoffMs: 0 })).toBe(false);
    await until(() => seen.length === 1);
    release();
    await queue.close();
    expect(seen).toEqual([{ n: 1, at: '1970-01-01T00:00:00.000Z' }]);
  });

  it('accepts the same jobId again once the first one finished', async () => {
    const queue = createInProcessJobQueue();
    let runs = 0;
    queue.process('work', async () => void runs++);
    await queue.enqueue('work', {}, { jobId: 'a', attempts: 1, backoffMs: 0 });
    await until(() => runs === 1);
    await wait(1);
    expect(await queue.enqueue('work', {}, { jobId: 'a', attempts: 1, backoffMs: 0 })).toBe(true);
    await until(() => runs === 2);
    await queue.close();
  });

  it('retries with exponential backoff and logs a final failure at error level', async () => {
    const { logger, lines } = capture();
    const queue = createInProcessJobQueue({ logger });
    const tries: Array<{ at: number; ctx: JobContext }> = [];
    queue.process('flaky', async (_data, ctx) => {
      tries.push({ at: Date.now(), ctx });
      throw Object.assign(new Error('nope'), { retryable: true });
    });
    await queue.enqueue('flaky', {}, { jobId: 'f', attempts: 3, backoffMs: 40 });
    await until(() => lines.length === 1);
    expect(tries.map((t) => t.ctx.attempt)).toEqual([1, 2, 3]);
    expect(tries.map((t) => t.ctx.isLastAttempt)).toEqual([false, false, true]);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(35);
    expect(tries[2]!.at - tries[1]!.at).toBeGreaterThanOrEqual(75);
    expect(lines[0]).toMatchObject({ level: 50, job_name: 'flaky', job_id: 'f', attempts: 3 });
    await queue.close();
  });

  it('stops retrying on an error marked retryable: false', async () => {
    const { logger, lines } = capture();
    const queue = createInProcessJobQueue({ logger });
    let tries = 0;
    queue.process('fatal', async () => {
      tries++;
      throw Object.assign(new Error('rejected'), { retryable: false });
    });
    await queue.enqueue('fatal', {}, { jobId: 'x', attempts: 5, backoffMs: 1 });
    await until(() => lines.length === 1);
    await wait(20);
    expect(tries).toBe(1);
    await queue.close();
  });

  it('holds jobs until a handler is registered, and bounds concurrency', async () => {
    const queue = createInProcessJobQueue({ concurrency: 2 });
    for (let i = 0; i < 6; i++) await queue.enqueue('late', { i }, { jobId: `j${i}`, attempts: 1, backoffMs: 0 });
    let active = 0;
    let peak = 0;
    let done = 0;
    queue.process('late', async () => {
      active++;
      peak = Math.max(peak, active);
      await wait(10);
      active--;
      done++;
    });
    await until(() => done === 6);
    expect(peak).toBe(2);
    await queue.close();
  });

  it('close waits for running jobs and logs jobs still backing off', async () => {
    const { logger, lines } = capture();
    const queue = createInProcessJobQueue({ logger });
    let finished = false;
    queue.process('slow', async () => {
      await wait(50);
      finished = true;
    });
    queue.process('retry', async () => {
      throw new Error('later');
    });
    await queue.enqueue('slow', {}, { jobId: 's', attempts: 1, backoffMs: 0 });
    await queue.enqueue('retry', {}, { jobId: 'r', attempts: 3, backoffMs: 60_000 });
    await wait(10);
    await queue.close();
    expect(finished).toBe(true);
    expect(lines).toEqual([expect.objectContaining({ job_id: 'r', msg: 'job abandoned at close' })]);
    await expect(queue.enqueue('slow', {}, { jobId: 's2', attempts: 1, backoffMs: 0 })).rejects.toThrow();
    await queue.close();
  });
});

describe('createInProcessJobQueue schedule', () => {
  it('runs a scheduled job every period, never two at once, and stops at close', async () => {
    const queue = createInProcessJobQueue();
    let runs = 0;
    let overlapping = 0;
    let active = 0;
    queue.process('tick', async (data, job) => {
      expect(data).toBeUndefined();
      expect(job.attempts).toBe(1);
      active += 1;
      overlapping = Math.max(overlapping, active);
      runs += 1;
      await wait(25);
      active -= 1;
    });
    await queue.schedule('tick', { everyMs: 10 });
    await until(() => runs >= 3);
    await queue.close();
    const after = runs;
    await wait(40);
    expect(runs).toBe(after);
    expect(overlapping).toBe(1);
  });
});
