import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { SQL_TYPES } from './sql.ts';

/** The Prisma client of the control-plane schema. */
export type Db = PrismaClient;

/** Options of {@link createPrisma}. */
export interface CreatePrismaOptions {
  /** Size of the connection pool (pg `max`). Default 10. */
  maxConnections?: number;
  /** Close a pooled connection after it is idle this long, in milliseconds (0: never). Default 10 000. */
  idleTimeoutMs?: number;
  /**
   * Connections the idle timeout never closes (pg `min`). Default 0. Opened by the control-plane's
   * warm-up: a burst after a quiet spell then finds them open instead of starting a PostgreSQL
   * backend (fork, SCRAM authentication, a cold catalog cache) per connection in the middle of it.
   */
  minConnections?: number;
}

/** The pool under each client, for the statements that bypass Prisma (see `sql.ts`). */
const pools = new WeakMap<Db, pg.Pool>();
/** Each client's pool of the quota slot statements ({@link slotPoolOf}). */
const slotPools = new WeakMap<Db, pg.Pool>();

/**
 * Connections of the slot pool: one slot statement runs per user at a time (`slot-line.ts`), so
 * these serve the lines of that many users at once without waiting.
 */
export const SLOT_CONNECTIONS = 2;

/**
 * A Prisma client over `@prisma/adapter-pg` (no native engine), with a second, small pool for the
 * quota slot statements ({@link slotPoolOf}). The caller owns it and ends it with `$disconnect()`,
 * which also ends both pools.
 */
export function createPrisma(databaseUrl: string, options: CreatePrismaOptions = {}): Db {
  const idleTimeoutMillis = options.idleTimeoutMs ?? 10_000;
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.maxConnections ?? 10,
    idleTimeoutMillis,
    min: options.minConnections ?? 0,
    types: SQL_TYPES,
  });
  const slotPool = new pg.Pool({
    connectionString: databaseUrl,
    max: SLOT_CONNECTIONS,
    idleTimeoutMillis,
    min: options.minConnections ? SLOT_CONNECTIONS : 0,
    types: SQL_TYPES,
  });
  // An idle connection dropped by the server is replaced on the next checkout; nothing to crash on.
  for (const p of [pool, slotPool]) p.on('error', () => undefined);
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  const disconnect = client.$disconnect.bind(client);
  let slotPoolEnded: Promise<void> | undefined;
  client.$disconnect = async () => {
    try {
      await disconnect();
    } finally {
      slotPoolEnded ??= slotPool.end().catch(() => undefined);
      await slotPoolEnded;
    }
  };
  pools.set(client, pool);
  slotPools.set(client, slotPool);
  return client;
}

/** The connection pool of a client made by {@link createPrisma}. */
export function poolOf(db: Db): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error('not a client made by createPrisma');
  return pool;
}

/**
 * The pool of a client's quota slot statements. Every admission of a user waits for its user's
 * slot statement (`slot-line.ts`): in the main pool that statement queued behind a burst's other
 * statements (lookups, inserts, starts), and the user's whole line of admissions with it.
 */
export function slotPoolOf(db: Db): pg.Pool {
  const pool = slotPools.get(db);
  if (!pool) throw new Error('not a client made by createPrisma');
  return pool;
}
