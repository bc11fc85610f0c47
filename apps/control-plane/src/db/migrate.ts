import { createHash, randomUUID } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { MigrationError, MigrationErrorCode } from '../errors.ts';

/**
 * Advisory lock key Prisma Migrate takes (`SELECT pg_advisory_lock(72707369)`). Using the same key
 * makes this migrator, other replicas and `prisma migrate deploy` exclude each other.
 */
export const MIGRATION_LOCK_KEY = 72707369;

/** Prisma's bookkeeping table, created exactly as Prisma Migrate creates it. */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** Options of {@link migrateDatabase}. */
export interface MigrateOptions {
  /** Folder of `<timestamp>_<name>/migration.sql` folders (the repository's `prisma/migrations`). */
  migrationsDir: string;
  /** Longest wait for another process's migration lock, in milliseconds. Default 60 000. */
  lockTimeoutMs?: number;
}

/** What {@link migrateDatabase} did. */
export interface MigrateResult {
  /** Migrations applied by this call, in order. */
  applied: string[];
  /** Migrations recorded in the database but absent from the folder (left alone). */
  unknown: string[];
}

interface LocalMigration {
  name: string;
  sql: string;
  checksum: string;
}

async function readMigrations(migrationsDir: string): Promise<LocalMigration[]> {
  let entries;
  try {
    entries = await readdir(migrationsDir, { withFileTypes: true });
  } catch (err) {
    throw new MigrationError(MigrationErrorCode.MissingMigrations, `cannot read migrations folder ${migrationsDir}`, undefined, { cause: err });
  }
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const out: LocalMigration[] = [];
  for (const name of names) {
    const file = path.join(migrationsDir, name, 'migration.sql');
    const sql = await readFile(file, 'utf8').catch(() => undefined);
    if (sql === undefined) continue;
    out.push({ name, sql, checksum: createHash('sha256').update(sql, 'utf8').digest('hex') });
  }
  if (out.length === 0) throw new MigrationError(MigrationErrorCode.MissingMigrations, `no migrations in ${migrationsDir}`);
  return out;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

/**
 * Applies every pending `migration.sql` under `migrationsDir`, in name order, each in its own
 * transaction, recording it in `_prisma_migrations` as Prisma Migrate does (so `prisma migrate
 * status` / `deploy` agree). Holds Prisma's advisory lock meanwhile, so concurrent replicas wait.
 * Fails with `MigrationError` when an applied migration's checksum changed or one is half-applied.
 * Runs in-process in milliseconds; spawning the Prisma CLI costs seconds.
 */
export async function migrateDatabase(databaseUrl: string, options: MigrateOptions): Promise<MigrateResult> {
  const local = await readMigrations(options.migrationsDir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`SET lock_timeout = ${Math.max(1, Math.floor(options.lockTimeoutMs ?? 60_000))}`);
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    } catch (err) {
      throw new MigrationError(MigrationErrorCode.LockTimeout, 'timed out waiting for the migration lock', undefined, { cause: err });
    }
    await client.query('SET lock_timeout = 0');
    try {
      return await applyPending(client, local);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function applyPending(client: pg.Client, local: LocalMigration[]): Promise<MigrateResult> {
  await client.query(CREATE_MIGRATIONS_TABLE);
  const { rows } = await client.query<AppliedRow>(
    'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY started_at',
  );
  const applied = new Map<string, AppliedRow>();
  for (const row of rows) {
    if (row.finished_at === null) {
      throw new MigrationError(MigrationErrorCode.FailedMigration, `migration ${row.migration_name} was started but never finished; resolve it with \`prisma migrate resolve\``, row.migration_name);
    }
    applied.set(row.migration_name, row);
  }
  const result: MigrateResult = { applied: [], unknown: [] };
  const localNames = new Set(local.map((m) => m.name));
  for (const name of applied.keys()) if (!localNames.has(name)) result.unknown.push(name);

  for (const migration of local) {
    const row = applied.get(migration.name);
    if (row) {
      if (row.checksum !== migration.checksum) {
        throw new MigrationError(MigrationErrorCode.ChecksumMismatch, `migration ${migration.name} was modified after it was applied`, migration.name);
      }
      continue;
    }
    await applyOne(client, migration);
    result.applied.push(migration.name);
  }
  return result;
}

async function applyOne(client: pg.Client, migration: LocalMigration): Promise<void> {
  const startedAt = new Date();
  await client.query('BEGIN');
  try {
    await client.query(migration.sql);
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
       VALUES ($1, $2, now(), $3, NULL, NULL, $4, 1)`,
      [randomUUID(), migration.checksum, migration.name, startedAt],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new MigrationError(MigrationErrorCode.ApplyFailed, `migration ${migration.name} failed and was rolled back`, migration.name, { cause: err });
  }
}
