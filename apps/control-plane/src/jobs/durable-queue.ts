import type { Logger } from 'pino';
import type { Db } from '../db/prisma.ts';
import { JobQueueError, JobQueueErrorCode } from '../errors.ts';
import { bullJobId, finishOutboxJob, insertOutboxJob, pendingOutboxCount, pruneOutbox, relayPending, requeueLost, staleRelayed, type OutboxRow } from './outbox.ts';
import { createInProcessJobQueue, type JobHandler, type JobQueue } from './queue.ts';
import { SerialPass } from './serial-pass.ts';

/** Defaults of {@link DurableJobQueueOptions}. */
export const DURABLE_JOB_QUEUE_DEFAULTS = {
  /** Jobs running at once. */
  concurrency: 16,
  /**
   * Period of the sweep that hands pending rows to the runner; an enqueue hands its row over at
   * once, so the sweep only matters after a database failure (start-up take-over, a lost hand-off).
   */
  sweepIntervalMs: 5_000,
  /** Finished (`done`/`failed`) rows are deleted after this long: 7 days. */
  retainFinishedMs: 7 * 24 * 3_600_000,
  /** Finished rows are pruned at the first sweep, then at most once per this period: 1 hour. */
  pruneIntervalMs: 3_600_000,
  /** Rows handed to the runner per transaction. */
  relayBatch: 100,
} as const;

/** Options of {@link createDurableJobQueue}. */
export interface DurableJobQueueOptions {
  prisma: Db;
  /** Receives final failures (`error`), jobs deferred at close (`warn`) and database trouble (`warn`). */
  logger: Logger;
  concurrency?: number;
  sweepIntervalMs?: number;
  retainFinishedMs?: number;
  pruneIntervalMs?: number;
}

/** A {@link JobQueue} whose jobs survive a restart of the process, plus a hook to await its sweep. */
export interface DurableJobQueue extends JobQueue {
  /**
   * Runs a sweep now (also runs at creation and every `sweepIntervalMs`): the first successful one
   * takes over the rows a previous process left unfinished; every one hands pending rows to the
   * runner. Resolves with the number of rows handed over (0 after a database failure, which is logged).
   */
  relayNow(): Promise<number>;
}

/** What the runner carries for a job of the outbox; a scheduled tick carries `undefined`. */
interface Envelope {
  outbox: { id: string; generation: number; job_id: string };
  data: unknown;
}

/** A row handed to the runner and not yet finished. */
interface InFlight {
  jobId: string;
  name: string;
}

/**
 * The {@link JobQueue} of a single process backed by the `job_outbox` table, so that a crash or a
 * restart loses no job (a provider hangup still waiting for its retry happens after the restart).
 *
 * - `enqueue` writes the row first (`jobId` is its idempotency key: a row still pending absorbs the
 *   call, even one left by a previous process), then hands it to an in-process runner with the
 *   retry and backoff of {@link createInProcessJobQueue} (`backoffMs × 2^(try−1)`; a
 *   `retryable: false` error ends the job at once). A row is `relayed` while this process holds it,
 *   and ends `done`, or `failed` with the error's `code` (never its message). Handlers get the data
 *   as stored (JSON; `undefined` becomes `null`), and `job.id` is the `jobId`.
 * - Start: the queue starts itself at creation; nothing needs to be awaited. Its first sweep puts
 *   back every row a previous process left `relayed` and runs them with the `pending` ones. Their
 *   attempts restart from 1: a try the previous process made is not counted. A job waits in memory
 *   until its handler is registered with `process`, so handlers may be registered before or after.
 *   A sweep that fails (database not reachable) is retried every `sweepIntervalMs`.
 * - `schedule` is a repeating timer of this process, not stored: its ticks never reach the table.
 * - `close` first hands over the rows written until then (work queued during a shutdown, such as a
 *   drain's provider hangups, runs now), then takes no more and waits for running jobs (their outcome
 *   is recorded); jobs still backing off stay in the table, logged as deferred to the next start.
 * - Finished rows are pruned after `retainFinishedMs` (7 days), at the first sweep and hourly.
 *
 * Delivery is at least once: a job whose outcome could not be recorded runs again. One process
 * per database: the take-over assumes every unfinished row belongs to a process that is gone.
 */
export function createDurableJobQueue(options: DurableJobQueueOptions): DurableJobQueue {
  const o = { ...DURABLE_JOB_QUEUE_DEFAULTS, ...stripUndefined(options) };
  const { prisma } = options;
  const log = options.logger.child({ component: 'jobs' });
  const runner = createInProcessJobQueue({ concurrency: o.concurrency });
  /** Rows handed to the runner and not finished, by `bullJobId` (one generation of a row). */
  const inFlight = new Map<string, InFlight>();
  let closed = false;
  let closing: Promise<void> | undefined;
  let tookOver = false;
  let lastPrune = 0;
  let lastWarn = 0;

  const warn = (err: unknown, msg: string): void => {
    if (Date.now() - lastWarn < 30_000) return;
    lastWarn = Date.now();
    log.warn({ err }, msg);
  };

  /** Rows left `relayed` by a previous process go back to `pending`, so the relay takes them with the rest. */
  const takeOver = async (): Promise<void> => {
    for (;;) {
      const rows = await staleRelayed(prisma, 0, o.relayBatch);
      for (const row of rows) await requeueLost(prisma, row);
      if (rows.length < o.relayBatch) break;
    }
    const unfinished = await pendingOutboxCount(prisma);
    if (unfinished > 0) log.warn({ jobs: unfinished }, 'running jobs left unfinished by a previous process');
  };

  const handOver = async (rows: OutboxRow[]): Promise<bigint[]> => {
    const taken: bigint[] = [];
    for (const row of rows) {
      if (closed) break;
      const key = bullJobId(row);
      // Already held (a hand-off whose transaction did not commit): only mark it relayed.
      if (!inFlight.has(key)) {
        const envelope: Envelope = { outbox: { id: row.id.toString(), generation: row.generation, job_id: row.jobId }, data: row.data };
        inFlight.set(key, { jobId: row.jobId, name: row.name });
        try {
          await runner.enqueue(row.name, envelope, { jobId: key, attempts: row.attempts, backoffMs: row.backoffMs });
        } catch {
          // The runner closed meanwhile: the row stays pending for the next start.
          inFlight.delete(key);
          break;
        }
      }
      taken.push(row.id);
    }
    return taken;
  };

  const sweep = async (): Promise<number> => {
    if (closed) return 0;
    if (!tookOver) {
      await takeOver();
      tookOver = true;
    }
    let total = 0;
    for (;;) {
      const n = await relayPending(prisma, o.relayBatch, handOver);
      total += n;
      if (n < o.relayBatch || closed) break;
    }
    if (Date.now() - lastPrune >= o.pruneIntervalMs) {
      lastPrune = Date.now();
      const pruned = await pruneOutbox(prisma, o.retainFinishedMs);
      if (pruned > 0) log.info({ rows: pruned }, 'pruned finished jobs');
    }
    return total;
  };

  /** One pass at a time; a request meanwhile runs another one right after. */
  const relay = new SerialPass(sweep, (err) => warn(err, 'job outbox unavailable, will retry'), () => closed);
  const relayNow = (): Promise<number> => relay.run();

  const wrap = (name: string, handler: JobHandler): JobHandler => {
    return async (raw, context) => {
      const envelope = raw as Envelope | undefined;
      if (!envelope) return handler(undefined, context);
      const { outbox } = envelope;
      const key = bullJobId({ id: BigInt(outbox.id), generation: outbox.generation });
      const job = { ...context, id: outbox.job_id };
      const finish = async (outcome: { state: 'done' } | { state: 'failed'; error: string }): Promise<void> => {
        try {
          await finishOutboxJob(prisma, { id: BigInt(outbox.id), generation: outbox.generation }, outcome);
        } catch (err) {
          log.error({ err, job_name: name, job_id: outbox.job_id }, 'cannot record job outcome');
        } finally {
          inFlight.delete(key);
        }
      };
      try {
        await handler(envelope.data, job);
      } catch (err) {
        if (job.isLastAttempt || (err as { retryable?: unknown } | null)?.retryable === false) {
          log.error({ err, job_name: name, job_id: outbox.job_id, attempts: job.attempt }, 'job failed');
          await finish({ state: 'failed', error: errorCode(err) });
        }
        // Otherwise the runner retries it, or drops it at close: the row stays for the next start.
        throw err;
      }
      await finish({ state: 'done' });
    };
  };

  const timer = setInterval(() => void relayNow(), Math.max(1, o.sweepIntervalMs));
  timer.unref();
  void relayNow();

  return {
    async enqueue(name, data, jobOptions) {
      if (closed) throw new JobQueueError(JobQueueErrorCode.Closed, 'job queue is closed');
      const created = await insertOutboxJob(prisma, name, data, jobOptions);
      if (created && closed) log.warn({ job_name: name, job_id: jobOptions.jobId }, 'job deferred to the next start');
      else if (created) void relayNow();
      return created;
    },
    process(name, handler) {
      // The runner refuses a second handler for `name` (`job_handler_exists`).
      runner.process(name, wrap(name, handler));
    },
    async schedule(name, scheduleOptions) {
      if (closed) throw new JobQueueError(JobQueueErrorCode.Closed, 'job queue is closed');
      await runner.schedule(name, scheduleOptions);
    },
    relayNow,
    close() {
      closing ??= (async () => {
        clearInterval(timer);
        // Rows written until now (a drain's provider hangups) reach the runner before it stops: the
        // pass in progress, then one more. Running jobs are then waited for; the rest stay for the next start.
        await relay.current;
        await relayNow();
        closed = true;
        const steps: Array<() => Promise<unknown> | undefined> = [() => relay.current, () => runner.close()];
        for (const step of steps) {
          try {
            await step();
          } catch (err) {
            log.warn({ err }, 'job queue close step failed');
          }
        }
        for (const job of inFlight.values()) log.warn({ job_name: job.name, job_id: job.jobId }, 'job deferred to the next start');
        inFlight.clear();
      })();
      return closing;
    },
  };
}

/** The stable code of a handler error, recorded on the row; anything without one is `internal`. */
function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'internal';
}

function stripUndefined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
