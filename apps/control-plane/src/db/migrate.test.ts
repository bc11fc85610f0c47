import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MigrationErrorCode } from '../errors.ts';
import { MIGRATIONS_DIR, startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { MIGRATION_LOCK_KEY, migrateDatabase } from './migrate.ts';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));

let server: TestPostgres;
const tmpDirs: string[] = [];

beforeAll(async () => {
  server = await startTestPostgres();
});
afterAll(async () => {
  await server?.stop();
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
});

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

function copyMigrations(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'vr3-migrations-'));
  tmpDirs.push(dir);
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

describe('migrateDatabase', () => {
  it('applies every migration once, in Prisma format, and skips them afterwards', async () => {
    const url = await server.createDatabase({ migrate: false });
    const first = await migrateDatabase(url, { migrationsDir: MIGRATIONS_DIR });
    expect(first.applied.length).toBeGreaterThan(0);
    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      url,
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(first.applied);
    expect(rows[0]?.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(rows.every((r) => r.finished_at instanceof Date && r.applied_steps_count === 1)).toBe(true);
    const tables = await query<{ tablename: string }>(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
    expect(tables.map((t) => t.tablename)).toEqual(expect.arrayContaining(['workflow_runs', 'agents', 'telephony_configurations']));

    const second = await migrateDatabase(url, { migrationsDir: MIGRATIONS_DIR });
    expect(second).toEqual({ applied: [], unknown: [] });
  });

  it('applies only the pending migration and rolls back a failing one', async () => {
    const dir = copyMigrations();
    const url = await server.createDatabase({ migrate: false });
    await migrateDatabase(url, { migrationsDir: dir });

    mkdirSync(path.join(dir, '29990101000000_extra'));
    writeFileSync(path.join(dir, '29990101000000_extra', 'migration.sql'), 'CREATE TABLE "extra" (id INT PRIMARY KEY);\n');
    expect((await migrateDatabase(url, { migrationsDir: dir })).applied).toEqual(['29990101000000_extra']);

    mkdirSync(path.join(dir, '29990102000000_broken'));
    writeFileSync(path.join(dir, '29990102000000_broken', 'migration.sql'), 'CREATE TABLE "half" (id INT);\nSELECT no_such_function();\n');
    await expect(migrateDatabase(url, { migrationsDir: dir })).rejects.toMatchObject({ code: MigrationErrorCode.ApplyFailed, migration: '29990102000000_broken' });
    expect(await query(url, "SELECT 1 FROM pg_tables WHERE tablename = 'half'")).toEqual([]);
    expect(await query(url, "SELECT 1 FROM _prisma_migrations WHERE migration_name = '29990102000000_broken'")).toEqual([]);
  });

  it('fails loudly when an applied migration changed', async () => {
    const dir = copyMigrations();
    const url = await server.createDatabase({ migrate: false });
    await migrateDatabase(url, { migrationsDir: dir });
    const [first] = await query<{ migration_name: string }>(url, 'SELECT migration_name FROM _prisma_migrations ORDER BY migration_name');
    const file = path.join(dir, first!.migration_name, 'migration.sql');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n-- edited\n`);
    await expect(migrateDatabase(url, { migrationsDir: dir })).rejects.toMatchObject({ code: MigrationErrorCode.ChecksumMismatch });
  });

  it('waits for the advisory lock held by another session', async () => {
    const url = await server.createDatabase({ migrate: false });
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    let done = false;
    const running = migrateDatabase(url, { migrationsDir: MIGRATIONS_DIR }).then((r) => {
      done = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 400));
    expect(done).toBe(false);
    await holder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    await holder.end();
    expect((await running).applied.length).toBeGreaterThan(0);
  });

  it('gives up with migration_lock_timeout when the lock stays held', async () => {
    const url = await server.createDatabase({ migrate: false });
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await expect(migrateDatabase(url, { migrationsDir: MIGRATIONS_DIR, lockTimeoutMs: 200 })).rejects.toMatchObject({ code: MigrationErrorCode.LockTimeout });
    } finally {
      await holder.end();
    }
  });

  it('lets concurrent migrators apply each migration exactly once', async () => {
    const url = await server.createDatabase({ migrate: false });
    const results = await Promise.all(Array.from({ length: 4 }, () => migrateDatabase(url, { migrationsDir: MIGRATIONS_DIR })));
    const appliedTotal = results.flatMap((r) => r.applied);
    const rows = await query<{ n: string }>(url, 'SELECT count(*)::text AS n FROM _prisma_migrations');
    expect(appliedTotal.length).toBe(Number(rows[0]!.n));
    expect(results.filter((r) => r.applied.length > 0)).toHaveLength(1);
  });

  it('leaves `prisma migrate status` reporting the database up to date', async () => {
    const url = await server.createDatabase({ migrate: true });
    const res = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/prisma/build/index.js'), 'migrate', 'status'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(res.stdout + res.stderr).toContain('Database schema is up to date');
    expect(res.status).toBe(0);
  });
});
