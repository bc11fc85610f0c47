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
  /** Close a pooled connection after it is idle this long, in milliseconds. Default 10 000. */
  idleTimeoutMs?: number;
}

/** The pool under each client, for the statements that bypass Prisma (see `sql.ts`). */
const pools = new WeakMap<Db, pg.Pool>();

/**
 * A Prisma client over `@prisma/adapter-pg` (no native engine). The caller owns it and ends it
 * with `$disconnect()`, which also ends its pool.
 */
export function createPrisma(databaseUrl: string, options: CreatePrismaOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.maxConnections ?? 10,
    idleTimeoutMillis: options.idleTimeoutMs ?? 10_000,
    types: SQL_TYPES,
  });
  // An idle connection dropped by the server is replaced on the next checkout; nothing to crash on.
  pool.on('error', () => undefined);
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(client, pool);
  return client;
}

/** The connection pool of a client made by {@link createPrisma}. */
export function poolOf(db: Db): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error('not a client made by createPrisma');
  return pool;
}
