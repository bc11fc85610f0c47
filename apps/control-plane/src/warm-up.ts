/**
 * Start-up warm-up: the first admissions after boot otherwise pay for what a process does only
 * once — opening database connections (each a PostgreSQL backend started and authenticated),
 * planning the admission lookup, loading `fetch` (which provider validation uses) and compiling
 * the code on that path. Done here, read-only, before the responders take requests.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { ControlPlaneContext } from './context.ts';
import { openSecret, sealSecret } from './crypto/secrets.ts';
import { slotPoolOf } from './db/prisma.ts';
import { findStreamAgent } from './db/stream-agent.ts';

/** What {@link warmUp} did. */
export interface WarmUpReport {
  /** Database connections open in the pool afterwards. */
  connections: number;
  durationMs: number;
  /** The warm-up stopped at its deadline or on an error (start-up goes on either way). */
  complete: boolean;
}

/** Bound of one warm-up, in milliseconds: it never holds start-up longer. */
export const WARM_UP_TIMEOUT_MS = 5_000;

/**
 * Opens up to `config.warmUpConnections` pool connections at once, each running the admission
 * lookup (`findStreamAgent`, a read) for an agent that does not exist, then loads `fetch` and
 * seals and opens a throwaway secret. Never throws: a failure or the deadline is logged and
 * start-up goes on (the work is then done by the first calls, as without it). The rest of the
 * connections the pool keeps (its `min`) are then opened in the background, start-up not waiting
 * for them: a burst finds them open instead of starting a PostgreSQL backend (fork, SCRAM
 * exchange, cold catalog cache) per connection in the middle of it.
 */
export async function warmUp(ctx: Pick<ControlPlaneContext, 'prisma' | 'pool' | 'logger' | 'secretKey' | 'config'>, timeoutMs = WARM_UP_TIMEOUT_MS): Promise<WarmUpReport> {
  const started = performance.now();
  const n = Math.min(ctx.config.warmUpConnections, ctx.pool.options.max ?? ctx.config.warmUpConnections);
  const slotPool = slotPoolOf(ctx.prisma);
  const work = (async () => {
    // Checked out together, so that each runs on its own connection; the slot pool's too.
    const checkouts = [...Array.from({ length: n }, () => ctx.pool.connect()), ...Array.from({ length: slotPool.options.max }, () => slotPool.connect())];
    const clients = await Promise.all(checkouts);
    try {
      await Promise.all(clients.map((client) => findStreamAgent(client, randomUUID(), { provider: 'cloudonix', account: 'warm-up.invalid' })));
    } finally {
      for (const client of clients) client.release();
    }
    const res = await fetch('data:application/json,{}');
    await res.json();
    openSecret(ctx.secretKey, sealSecret(ctx.secretKey, 'warm-up', 'warm-up'), 'warm-up');
  })();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  let complete = false;
  try {
    complete = (await Promise.race([work.then(() => 'done' as const), deadline])) === 'done';
    if (!complete) ctx.logger.warn({ timeout_ms: timeoutMs }, 'warm-up did not finish in time, starting without it');
  } catch (err) {
    ctx.logger.warn({ err }, 'warm-up failed, starting without it');
  } finally {
    clearTimeout(timer);
  }
  work.catch(() => undefined); // after the deadline, a late failure is of no interest
  if (complete) for (const pool of [ctx.pool, slotPool]) openKeptConnections(pool);
  const report = { connections: ctx.pool.totalCount + slotPool.totalCount, durationMs: Math.round(performance.now() - started), complete };
  ctx.logger.info({ connections: report.connections, duration_ms: report.durationMs, complete }, 'warm-up finished');
  return report;
}

/**
 * Opens the connections `pool` keeps (its `min`) that are not open yet, and gives them back idle;
 * failures are left to the first calls. `min` checkouts asked for in one go take the idle
 * connections and open the missing ones; each is given back as soon as it is had.
 */
function openKeptConnections(pool: pg.Pool): void {
  const kept = pool.options.min ?? 0;
  if (pool.totalCount >= kept) return;
  for (let i = 0; i < kept; i++) {
    void pool.connect().then(
      (client) => client.release(),
      () => undefined,
    );
  }
}
