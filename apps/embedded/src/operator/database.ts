import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { OperatorError, OperatorErrorCode, migrateDatabase } from '@vr3/control-plane';
import { DataDirLockedError, isAlive, lockDataDir } from '../data-dir.ts';
import { startEmbeddedDatabase } from '../database.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../../../prisma/migrations', import.meta.url));
const DATABASE_NAME = 'vr3';

/** Where an operator command finds the product's database. */
export type OperatorTarget = { dataDir: string } | { databaseUrl: string };

/** How {@link openOperatorDatabase} may open a data dir's database. */
export interface OpenOptions {
  /**
   * Refuse a data dir a running product holds, throwing its `DataDirLockedError` (restore: the
   * database is replaced), and accept one with no database yet (initialised on the spot). Default false.
   */
  exclusive?: boolean;
  /** Migrate a database this command starts, as the product would. Default true. */
  migrate?: boolean;
}

/** The product's database, open for one operator command. */
export interface OperatorDatabase {
  url: string;
  /** How it was reached, for the operator's log. */
  via: 'database_url' | 'running_product' | 'data_dir';
  /** Stops what was started (the database server, the data-dir lock). Idempotent. */
  close(): Promise<void>;
}

/**
 * Opens the product's database for an operator command:
 * - `databaseUrl`: that PostgreSQL (distributed mode, or the embedded product with DATABASE_URL);
 *   it must be migrated (`npm run db:migrate`).
 * - `dataDir` of a running embedded product: its own database server, at the port its
 *   `postmaster.pid` records, with the password in the data dir.
 * - `dataDir` of a stopped one: takes the data-dir lock (the product cannot start meanwhile),
 *   starts the database server, migrates it as the product would; `close()` stops both.
 */
export async function openOperatorDatabase(target: OperatorTarget, logger: Logger, options: OpenOptions = {}): Promise<OperatorDatabase> {
  if ('databaseUrl' in target) return { url: target.databaseUrl, via: 'database_url', close: async () => undefined };
  const dataDir = path.resolve(target.dataDir);
  const clusterDir = path.join(dataDir, 'postgres');
  if (options.exclusive !== true && !fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    throw new OperatorError(OperatorErrorCode.InvalidArgument, `no product database in ${dataDir}: start the product once (npm start) or pass --data-dir`);
  }
  let release: () => void;
  try {
    release = lockDataDir(dataDir);
  } catch (err) {
    // Exclusive: the caller is told who holds the data dir (DataDirLockedError).
    if (!(err instanceof DataDirLockedError) || options.exclusive === true) throw err;
    return { url: runningProductUrl(dataDir, err.pid), via: 'running_product', close: async () => undefined };
  }
  try {
    const db = await startEmbeddedDatabase(dataDir, logger);
    let closing: Promise<void> | undefined;
    const close = () => (closing ??= db.stop().finally(release));
    try {
      if (options.migrate !== false) await migrateDatabase(db.url, { migrationsDir: MIGRATIONS_DIR });
    } catch (err) {
      await close();
      throw err;
    }
    return { url: db.url, via: 'data_dir', close };
  } catch (err) {
    release();
    throw err;
  }
}

/** The URL of the database server a running product (pid `owner`) started in `dataDir`. */
function runningProductUrl(dataDir: string, owner: number): string {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    lines = [];
  }
  // postmaster.pid: pid, data directory, start time, port, …
  const serverPid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(serverPid) || !isAlive(serverPid) || !Number.isInteger(port) || port <= 0) {
    throw new OperatorError(OperatorErrorCode.InvalidArgument, `the product (pid ${owner}) holds ${dataDir} but its database is not running: retry once it has started or stopped`);
  }
  const password = fs.readFileSync(path.join(dataDir, 'postgres.password'), 'utf8').trim();
  return `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE_NAME}`;
}
