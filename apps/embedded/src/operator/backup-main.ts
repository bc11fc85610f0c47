// Backup and restore of the embedded product's database, at the repository root:
//   npm run backup  -- [--data-dir D] [--out FILE] [--include-secret-key]
//   npm run restore -- --in FILE [--data-dir D]
// One JSON line on stdout (the result); logs and warnings on stderr. See docs/operations.md#backup-and-restore.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { z } from 'zod';
import { ConfigError, parseEnv } from '@vr3/env';
import { EMBEDDED_DEFAULTS } from '../config.ts';
import { DataDirLockedError } from '../data-dir.ts';
import { BackupError, BackupErrorCode, SECRET_KEY_FILE, SECRET_KEY_SUFFIX, dumpDatabase, findPgTools, placeSecretKey, restoreDatabase, saveSecretKey } from './backup.ts';
import { openOperatorDatabase } from './database.ts';

const USAGE = `Usage:
  npm run backup  -- [--data-dir DIR] [--out FILE] [--include-secret-key]
  npm run restore -- --in FILE [--data-dir DIR]

DIR defaults to VR3_DATA_DIR or ${EMBEDDED_DEFAULTS.dataDir}; FILE (backup) to vr3-backup-<time>.dump.
The backup is a pg_dump custom-format archive of the product's database, taken from the running
product's server or from one started for the purpose. It does NOT contain the data dir's
${SECRET_KEY_FILE}, without which stored provider credentials cannot be decrypted: keep that file
safe separately, or pass --include-secret-key to write it beside the dump as FILE${SECRET_KEY_SUFFIX}.
Restore refuses a data dir a running product holds; it replaces that data dir's database.
`;

const EnvSchema = z.object({
  VR3_DATA_DIR: z.string().min(1).optional(),
  /** Directory holding pg_dump/pg_restore, when not found beside the server or in /usr/lib/postgresql. */
  VR3_PG_BIN_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
});

function fail(code: number, message: string): never {
  process.stderr.write(`vr3-backup: ${message}\n`);
  process.exit(code);
}
const warn = (message: string) => process.stderr.write(`\nvr3-backup: WARNING: ${message}\n\n`);

const [command, ...rest] = process.argv.slice(2);
let env: z.infer<typeof EnvSchema>;
let values: { 'data-dir'?: string | undefined; out?: string | undefined; in?: string | undefined; 'include-secret-key'?: boolean | undefined; help?: boolean | undefined };
try {
  env = parseEnv(EnvSchema, process.env);
  ({ values } = parseArgs({
    args: rest,
    options: {
      'data-dir': { type: 'string' },
      out: { type: 'string' },
      in: { type: 'string' },
      'include-secret-key': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  }));
} catch (err) {
  if (err instanceof ConfigError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) fail(2, `${(err as Error).message}\n\n${USAGE}`);
  throw err;
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (command !== 'backup' && command !== 'restore') fail(2, `unknown command: ${command}\n\n${USAGE}`);
if (command === 'backup' && values.in !== undefined) fail(2, `--in is for restore\n\n${USAGE}`);
if (command === 'restore' && (values.out !== undefined || values['include-secret-key'])) fail(2, `--out and --include-secret-key are for backup\n\n${USAGE}`);

const logger = pino({ level: env.LOG_LEVEL ?? 'warn', base: { service: 'vr3-backup' } }, pino.destination(2));
const dataDir = path.resolve(values['data-dir'] ?? env.VR3_DATA_DIR ?? EMBEDDED_DEFAULTS.dataDir);

async function backup(): Promise<object> {
  const out = path.resolve(values.out ?? `vr3-backup-${new Date().toISOString().replace(/[:.]/g, '-')}.dump`);
  if (fs.existsSync(out)) throw new BackupError(BackupErrorCode.InvalidArgument, `${out} exists: choose another --out`);
  const tools = await findPgTools(env.VR3_PG_BIN_DIR, process.env.PATH);
  const database = await openOperatorDatabase({ dataDir }, logger, { migrate: false });
  let bytes: number;
  try {
    bytes = await dumpDatabase(tools, database.url, out);
  } finally {
    await database.close();
  }
  let secretKeyFile: string | null = null;
  if (values['include-secret-key']) {
    if (saveSecretKey(dataDir, out)) {
      secretKeyFile = `${out}${SECRET_KEY_SUFFIX}`;
      warn(`${secretKeyFile} decrypts every stored provider credential: keep it apart from the dump (another vault, another medium) and delete it once stored.`);
    } else {
      warn(`${dataDir} has no ${SECRET_KEY_FILE} (VR3_SECRET_KEY in use?): save that key yourself, the backup cannot decrypt credentials without it.`);
    }
  } else {
    warn(
      `the backup does not contain ${path.join(dataDir, SECRET_KEY_FILE)} (or VR3_SECRET_KEY). Without it the restored provider ` +
        `credentials cannot be decrypted: store a copy of that key safely, apart from the dump, or back up with --include-secret-key.`,
    );
  }
  return { command: 'backup', file: out, bytes, via: database.via, secret_key_file: secretKeyFile };
}

async function restore(): Promise<object> {
  if (values.in === undefined) throw new BackupError(BackupErrorCode.InvalidArgument, '--in FILE is required');
  const input = path.resolve(values.in);
  if (!fs.existsSync(input)) throw new BackupError(BackupErrorCode.InvalidArgument, `${input} does not exist`);
  const tools = await findPgTools(env.VR3_PG_BIN_DIR, process.env.PATH);
  // A key mismatch is refused before anything is started or changed.
  placeSecretKey(input, dataDir, { dryRun: true });
  let database;
  try {
    // Takes the data-dir lock: the product cannot start while the database is being replaced.
    database = await openOperatorDatabase({ dataDir }, logger, { exclusive: true, migrate: false });
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      throw new BackupError(BackupErrorCode.ProductRunning, `${dataDir} is in use by a running product (pid ${err.pid}): stop it before restoring`, { cause: err });
    }
    throw err;
  }
  let secretKey;
  try {
    // Checked again under the lock, before the database is touched.
    secretKey = placeSecretKey(input, dataDir);
    await restoreDatabase(tools, database.url, input);
  } finally {
    await database.close();
  }
  if (secretKey === 'missing') {
    warn(
      `${path.join(dataDir, SECRET_KEY_FILE)} does not exist. Copy the original installation's ${SECRET_KEY_FILE} there (mode 0600) ` +
        `or set VR3_SECRET_KEY before starting the product: otherwise the product creates a new key and the restored provider credentials cannot be decrypted.`,
    );
  } else if (secretKey === 'kept_unverified') {
    warn(`kept the data dir's existing ${SECRET_KEY_FILE}: restored provider credentials decrypt only if it is the key of the installation the backup came from.`);
  }
  return { command: 'restore', file: input, data_dir: dataDir, secret_key: secretKey };
}

try {
  const result = command === 'backup' ? await backup() : await restore();
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (err) {
  if (err instanceof BackupError) fail(err.code === BackupErrorCode.InvalidArgument ? 2 : err.code === BackupErrorCode.ProductRunning ? 3 : 1, `${err.code}: ${err.message}`);
  logger.fatal({ err }, `${command} failed`);
  fail(1, 'failed (see the log above)');
}
