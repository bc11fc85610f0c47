// Operator commands: `npm run operator -- <command>` at the repository root (usage: OPERATOR_USAGE).
// One JSON line on stdout (the result, with any API key: shown once, stored hashed); logs on stderr.
import path from 'node:path';
import { pino } from 'pino';
import { z } from 'zod';
import { OPERATOR_USAGE, OperatorError, OperatorErrorCode, createPrisma, parseOperatorArgs, runOperatorCommand } from '@vr3/control-plane';
import { ConfigError, parseEnv } from '@vr3/env';
import { EMBEDDED_DEFAULTS } from '../config.ts';
import { openOperatorDatabase, type OperatorTarget } from './database.ts';

const EnvSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  VR3_DATA_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
});

function fail(code: number, message: string): never {
  process.stderr.write(`vr3-operator: ${message}\n`);
  process.exit(code);
}

let env: z.infer<typeof EnvSchema>;
let command;
try {
  env = parseEnv(EnvSchema, process.env);
  command = parseOperatorArgs(process.argv.slice(2));
} catch (err) {
  if (err instanceof ConfigError || err instanceof OperatorError) fail(2, `${err.message}\n\n${OPERATOR_USAGE}`);
  throw err;
}
if (command.command === 'help') {
  process.stdout.write(OPERATOR_USAGE);
  process.exit(0);
}

const logger = pino({ level: env.LOG_LEVEL ?? 'warn', base: { service: 'vr3-operator' } }, pino.destination(2));
// An explicit --data-dir wins; else DATABASE_URL (as the product uses it); else the product's data dir.
const target: OperatorTarget =
  command.dataDir !== undefined
    ? { dataDir: command.dataDir }
    : env.DATABASE_URL !== undefined
      ? { databaseUrl: env.DATABASE_URL }
      : { dataDir: path.resolve(env.VR3_DATA_DIR ?? EMBEDDED_DEFAULTS.dataDir) };

try {
  const database = await openOperatorDatabase(target, logger);
  logger.info({ via: database.via }, 'database open');
  try {
    const prisma = createPrisma(database.url, { maxConnections: 2 });
    try {
      const result = await runOperatorCommand(prisma, command);
      process.stdout.write(`${JSON.stringify(result)}\n`);
      if ('api_key' in result) process.stderr.write('vr3-operator: the api_key above is shown once: store it now.\n');
    } finally {
      await prisma.$disconnect();
    }
  } finally {
    await database.close();
  }
} catch (err) {
  if (err instanceof OperatorError) fail(err.code === OperatorErrorCode.InvalidArgument ? 2 : 1, `${err.code}: ${err.message}`);
  logger.fatal({ err }, 'operator command failed');
  fail(1, 'failed (see the log above)');
}
