import type { Logger } from 'pino';
import { JobQueueError, JobQueueErrorCode } from '../errors.ts';

/** Options of one {@link JobQueue.enqueue} call. */
export interface JobOptions {
  /** Idempotency key: while a job with this id is pending (waiting, running or backing off), enqueueing it again is a no-op. */
  jobId: string;
  /** Total tries, at least 1. */
  attempts: number;
  /** Delay before the first retry in milliseconds; doubled for each further retry. */
  backoffMs: number;
}

/** Options of {@link JobQueue.schedule}. */
export interface ScheduleOptions {
  /** Period in milliseconds. */
  everyMs: number;
}

/** What a handler learns about the job it runs. */
export interface JobContext {
  id: string;
  name: string;
  /** 1-based number of this try. */
  attempt: number;
  attempts: number;
  /** True when a failure of this try is final (last attempt). A `retryable: false` error is final on any try. */
  readonly isLastAttempt: boolean;
}

/**
 * Runs one job. Throwing retries it (with backoff) until `attempts` run out, unless the error
 * carries `retryable: false`, which ends it at once.
 */
export type JobHandler = (data: unknown, job: JobContext) => Promise<void>;

/**
 * Durable-enough background work with retries: provider actions (hangup, transfer).
 * {@link createInProcessJobQueue} implements it for one process; BullMQ does in distributed mode.
 */
export interface JobQueue {
  /** Queues a job; resolves `false` when a pending job with the same `jobId` absorbed it. */
  enqueue(name: string, data: unknown, options: JobOptions): Promise<boolean>;
  /** Registers the handler for `name` (one per name). Jobs queued before it are run once it exists. */
  process(name: string, handler: JobHandler): void;
  /**
   * Runs job `name` (data `undefined`, one attempt) every `everyMs`, once per period for the
   * whole fleet sharing the queue, not once per replica. Calling it again replaces the period.
   */
  schedule(name: string, options: ScheduleOptions): Promise<void>;
  /** Stops taking jobs, waits for running ones; jobs still waiting or backing off are logged as abandoned. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link createInProcessJobQueue}. */
export interface InProcessJobQueueOptions {
  /** Receives `error` logs for jobs that failed for good or were abandoned at close. */
  logger?: Logger;
  /** Jobs running at once. Default 16. */
  concurrency?: number;
}

interface Job {
  id: string;
  name: string;
  data: unknown;
  options: JobOptions;
  attempt: number;
  timer?: NodeJS.Timeout;
}

/** A {@link JobQueue} in memory: retries with exponential backoff, dedupe by `jobId` while pending, bounded concurrency. */
export function createInProcessJobQueue(options: InProcessJobQueueOptions = {}): JobQueue {
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const handlers = new Map<string, JobHandler>();
  const pending = new Map<string, Job>();
  const ready: Job[] = [];
  const running = new Set<Promise<void>>();
  const schedules = new Map<string, NodeJS.Timeout>();
  let closed = false;

  const pump = (): void => {
    while (!closed && running.size < concurrency) {
      const index = ready.findIndex((job) => handlers.has(job.name));
      if (index < 0) return;
      const [job] = ready.splice(index, 1);
      const task = run(job!).finally(() => {
        running.delete(task);
        pump();
      });
      running.add(task);
    }
  };

  const run = async (job: Job): Promise<void> => {
    job.attempt += 1;
    const context: JobContext = { id: job.id, name: job.name, attempt: job.attempt, attempts: job.options.attempts, isLastAttempt: job.attempt >= job.options.attempts };
    try {
      await handlers.get(job.name)!(job.data, context);
      pending.delete(job.id);
    } catch (err) {
      const final = context.isLastAttempt || (err as { retryable?: unknown } | null)?.retryable === false;
      if (final || closed) {
        pending.delete(job.id);
        options.logger?.error({ err, job_name: job.name, job_id: job.id, attempts: job.attempt }, closed && !final ? 'job abandoned at close' : 'job failed');
        return;
      }
      const delay = job.options.backoffMs * 2 ** (job.attempt - 1);
      job.timer = setTimeout(() => {
        job.timer = undefined;
        ready.push(job);
        pump();
      }, delay);
    }
  };

  return {
    async enqueue(name, data, jobOptions) {
      if (closed) throw new JobQueueError(JobQueueErrorCode.Closed, 'job queue is closed');
      if (pending.has(jobOptions.jobId)) return false;
      const job: Job = {
        id: jobOptions.jobId,
        name,
        data: data === undefined ? undefined : JSON.parse(JSON.stringify(data)),
        options: { ...jobOptions, attempts: Math.max(1, Math.floor(jobOptions.attempts)), backoffMs: Math.max(0, jobOptions.backoffMs) },
        attempt: 0,
      };
      pending.set(job.id, job);
      ready.push(job);
      queueMicrotask(pump);
      return true;
    },
    process(name, handler) {
      if (handlers.has(name)) throw new JobQueueError(JobQueueErrorCode.DuplicateHandler, `a handler for ${name} is already registered`);
      handlers.set(name, handler);
      queueMicrotask(pump);
    },
    async schedule(name, scheduleOptions) {
      if (closed) throw new JobQueueError(JobQueueErrorCode.Closed, 'job queue is closed');
      clearInterval(schedules.get(name));
      const timer = setInterval(() => {
        if (!closed) void this.enqueue(name, undefined, { jobId: `schedule.${name}`, attempts: 1, backoffMs: 0 }).catch(() => undefined);
      }, Math.max(1, scheduleOptions.everyMs));
      timer.unref();
      schedules.set(name, timer);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of schedules.values()) clearInterval(timer);
      schedules.clear();
      while (running.size > 0) await Promise.allSettled([...running]);
      for (const job of pending.values()) {
        if (job.timer) clearTimeout(job.timer);
        options.logger?.error({ job_name: job.name, job_id: job.id, attempts: job.attempt }, 'job abandoned at close');
      }
      pending.clear();
      ready.length = 0;
    },
  };
}
