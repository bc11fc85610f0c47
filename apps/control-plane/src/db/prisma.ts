import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';

/** The Prisma client of the control-plane schema. */
export type Db = PrismaClient;

/** Options of {@link createPrisma}. */
export interface CreatePrismaOptions {
  /** Size of the connection pool (pg `max`). Default 10. */
  maxConnections?: number;
  /** Close a pooled connection after it is idle this long, in milliseconds. Default 10 000. */
  idleTimeoutMs?: number;
}

/**
 * A Prisma client over `@prisma/adapter-pg` (no native engine). The caller owns it and ends it
 * with `$disconnect()`.
 */
export function createPrisma(databaseUrl: string, options: CreatePrismaOptions = {}): Db {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: options.maxConnections ?? 10,
    idleTimeoutMillis: options.idleTimeoutMs ?? 10_000,
  });
  return new PrismaClient({ adapter });
}
