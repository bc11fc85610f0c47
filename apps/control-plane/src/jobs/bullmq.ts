import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Db } from '../db/prisma.ts';
import { JobQueueError, JobQueueErrorCode } from '../errors.ts';
import { bullJobId, finishOutboxJob, insertOutboxJob, pendingOutboxCount, pruneOutbox, relayPending, requeueLost, staleRelayed, type OutboxRow } from './outbox.ts';
import type { JobContext, JobHandler, JobQueue } from './queue.ts';
import { SerialPass } from './serial-pass.ts';

/** Defaults of {@link BullJobQueueOptions}. */
export const BULL_JOB_QUEUE_DEFAULTS = {
  /** BullMQ queue name (Redis key prefix `bull:{name}`). */
  queueName: 'vr3-jobs',
  /** Jobs one replica runs at once. */
  concurrency: 16,
  /** Period of the outbox relay's sweep; an enqueue also relays at once. */
  relayIntervalMs: 500,
  /** A relayed row whose BullMQ job has vanished this long (Redis restarted empty) is relayed again. */
  lostAfterMs: 5_000,
  /** Finished outbox rows are deleted after this long. */
  retainFinishedMs: 7 * 24 * 3_600_000,
  /** Rows handed to BullMQ per relay transaction. */
  relayBatch: 100,
} as const;

/** Options of {@link createBullJobQueue}. */
export interface BullJobQueueOptions {
  prisma: Db;
  /** Connection for enqueueing and queue reads; the app owns it (give it a small `maxRetriesPerRequest`). */
  connection: Redis;
  /** Connection for the worker; the app owns it and must create it with `maxRetriesPerRequest: null`. */
  workerConnection: Redis;
  logger: Logger;
  queueName?: string;
  concurrency?: number;
  relayIntervalMs?: number;
  lostAfterMs?: number;
  retainFinishedMs?: number;
}

/** What the BullMQ job carries: the outbox row it came from (absent for scheduled jobs) and the data. */
interface BullData {
  outbox?: { id: string; generation: number; job_id: string };
  data: unknown;
}

/** Queue depths for `/metrics`. */
export interface JobQueueDepths {
  /** Outbox rows not yet in BullMQ (e.g. while Redis is down). */
  outbox_pending: number;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

/** A {@link JobQueue} on BullMQ behind a PostgreSQL outbox, plus what the app needs to watch it. */
export interface BullJobQueue extends JobQueue {
  /** Current depths; BullMQ counts are -1 while Redis is unreachable. */
  depths(): Promise<JobQueueDepths>;
  /** Relays pending outbox rows now (also runs every `relayIntervalMs`). Resolves with the number relayed. */
  relayNow(): Promise<number>;
}

/**
 * The distributed {@link JobQueue}: `enqueue` writes the job to the `job_outbox` table first (the
 * row is the durable record, `jobId` its idempotency key), then a relay hands pending rows to
 * BullMQ and marks them relayed; the worker marks them done or failed. Neither a Redis outage
 * (rows wait as pending and go out once Redis is back) nor a control-plane crash (any replica's
 * relay picks the rows up) loses a job, and a relayed job that Redis lost is relayed again.
 * Retries use BullMQ attempts with exponential backoff (`backoffMs × 2^(try−1)`); a handler error
 * with `retryable: false` ends the job at once.
 *
 * One database's outbox feeds one queue: every replica sharing the database must use the same
 * `queueName`.
 */
export function createBullJobQueue(options: BullJobQueueOptions): BullJobQueue {
  const o = { ...BULL_JOB_QUEUE_DEFAULTS, ...stripUndefined(options) };
  const { prisma, logger } = options;
  const log = logger.child({ component: 'jobs' });
  const queue = new Queue<BullData>(o.queueName, { connection: options.connection });
  const handlers = new Map<string, JobHandler>();
  let worker: Worker<BullData> | undefined;
  let closed = false;
  let lastMaintenance = 0;
  const schedules = new Map<string, number>();
  const errorLog = rateLimited(log, 10_000);
  queue.on('error', (err) => errorLog('queue', err));

  const redisReady = (): boolean => options.connection.status === 'ready';

  const relayRows = async (rows: OutboxRow[]): Promise<bigint[]> => {
    const done: bigint[] = [];
    for (const row of rows) {
      const data: BullData = { outbox: { id: row.id.toString(), generation: row.generation, job_id: row.jobId }, data: row.data };
      try {
        await withTimeout(
          queue.add(row.name, data, {
            jobId: bullJobId(row),
            attempts: row.attempts,
            backoff: { type: 'exponential', delay: row.backoffMs },
            removeOnComplete: true,
            removeOnFail: true,
          }),
          2_000,
        );
        done.push(row.id);
      } catch (err) {
        errorLog('relay', err);
        break;
      }
    }
    return done;
  };

  const maintain = async (): Promise<void> => {
    // Jobs Redis lost (a restart without persistence) go back to pending; schedules are re-armed.
    for (const row of await staleRelayed(prisma, o.lostAfterMs, o.relayBatch)) {
      const job = await queue.getJob(bullJobId(row));
      if (!job && (await requeueLost(prisma, row))) log.warn({ job_id: row.jobId, job_name: row.name }, 'job lost by Redis, relaying it again');
    }
    for (const [name, everyMs] of schedules) await upsertSchedule(name, everyMs);
    await pruneOutbox(prisma, o.retainFinishedMs);
  };

  const relayOnce = async (): Promise<number> => {
    if (closed || !redisReady()) return 0;
    let total = 0;
    for (;;) {
      const n = await relayPending(prisma, o.relayBatch, relayRows);
      total += n;
      if (n < o.relayBatch) break;
    }
    if (Date.now() - lastMaintenance >= o.lostAfterMs) {
      lastMaintenance = Date.now();
      await maintain();
    }
    return total;
  };

  /** One pass at a time; a request meanwhile runs another one right after. */
  const relay = new SerialPass(relayOnce, (err) => errorLog('relay', err), () => closed);
  const relayNow = (): Promise<number> => relay.run();

  const timer = setInterval(() => void relayNow(), o.relayIntervalMs);
  timer.unref();

  const upsertSchedule = async (name: string, everyMs: number): Promise<void> => {
    await queue.upsertJobScheduler(`schedule.${name}`, { every: everyMs }, { name, data: { data: null }, opts: { attempts: 1, removeOnComplete: true, removeOnFail: true } });
  };

  const processJob = async (job: Job<BullData>): Promise<void> => {
    const handler = handlers.get(job.name);
    if (!handler) throw new JobQueueError(JobQueueErrorCode.NoHandler, `no handler for ${job.name} on this replica`, { retryable: true });
    const attempts = Math.max(1, job.opts.attempts ?? 1);
    const attempt = job.attemptsMade + 1;
    const outbox = job.data.outbox;
    const context: JobContext = { id: outbox?.job_id ?? job.id ?? job.name, name: job.name, attempt, attempts, isLastAttempt: attempt >= attempts };
    const row = outbox ? { id: BigInt(outbox.id), generation: outbox.generation } : undefined;
    const finish = async (outcome: { state: 'done' } | { state: 'failed'; error: string }): Promise<void> => {
      if (!row) return;
      await finishOutboxJob(prisma, row, outcome).catch((err: unknown) => log.error({ err, job_id: context.id }, 'cannot record job outcome'));
    };
    try {
      await handler(outbox ? job.data.data : undefined, context);
    } catch (err) {
      const notRetryable = (err as { retryable?: unknown } | null)?.retryable === false;
      if (context.isLastAttempt || notRetryable) {
        log.error({ err, job_name: job.name, job_id: context.id, attempts: attempt }, 'job failed');
        await finish({ state: 'failed', error: errorCode(err) });
        if (notRetryable) throw new UnrecoverableError(errorCode(err));
      }
      throw err;
    }
    await finish({ state: 'done' });
  };

  const startWorker = (): void => {
    if (worker || closed) return;
    worker = new Worker<BullData>(o.queueName, processJob, { connection: options.workerConnection, concurrency: o.concurrency, autorun: true });
    worker.on('error', (err) => errorLog('worker', err));
  };

  return {
    async enqueue(name, data, jobOptions) {
      if (closed) throw new JobQueueError(JobQueueErrorCode.Closed, 'job queue is closed');
      const created = await insertOutboxJob(prisma, name, data, jobOptions);
      if (created) void relayNow();
      return created;
    },
    process(name, handler) {
      if (handlers.has(name)) throw new JobQueueError(JobQueueErrorCode.DuplicateHandler, `a handler for ${name} is already registered`);
      handlers.set(name, handler);
      startWorker();
    },
    async schedule(name, scheduleOptions) {
      if (closed) throw new JobQueueError(JobQueueErrorCode.Closed, 'job queue is closed');
      const everyMs = Math.max(1, Math.floor(scheduleOptions.everyMs));
      schedules.set(name, everyMs);
      // With Redis down, the maintenance pass arms it once Redis is back.
      await withTimeout(upsertSchedule(name, everyMs), 2_000).catch((err: unknown) => errorLog('schedule', err));
    },
    relayNow,
    async depths() {
      const outboxPending = await pendingOutboxCount(prisma).catch(() => -1);
      const counts = redisReady()
        ? await withTimeout(queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized'), 1_000).catch(() => undefined)
        : undefined;
      return {
        outbox_pending: outboxPending,
        waiting: counts ? (counts['waiting'] ?? 0) + (counts['prioritized'] ?? 0) : -1,
        active: counts?.['active'] ?? -1,
        delayed: counts?.['delayed'] ?? -1,
        failed: counts?.['failed'] ?? -1,
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      const steps: Array<() => Promise<unknown> | undefined> = [() => relay.current, () => worker?.close(), () => queue.close()];
      for (const step of steps) {
        try {
          await step();
        } catch (err) {
          log.warn({ err }, 'job queue close step failed');
        }
      }
    },
  };
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'internal';
}

function stripUndefined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Rejects after `ms` (the underlying call may still complete later). */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new JobQueueError(JobQueueErrorCode.Unavailable, `redis did not answer within ${ms} ms`, { retryable: true })), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Logs a recurring failure (Redis down) at most once per `periodMs` per source. */
function rateLimited(log: Logger, periodMs: number): (source: string, err: unknown) => void {
  const last = new Map<string, number>();
  return (source, err) => {
    const now = Date.now();
    if (now - (last.get(source) ?? 0) < periodMs) return;
    last.set(source, now);
    log.warn({ err, source }, 'job queue backend unavailable');
  };
}
