/**
 * `vr3-sim`: the provider simulator's command line. Commands: `call`, `provider-api`, `load`,
 * `burst`, `setup`, `bot`, `providers`. Exit codes: 0 success (for `load` and `burst`: the run passed), 1 failure, 2 bad usage.
 */
import { SimulatorError, SimulatorErrorCode } from '../errors.ts';
import { botCommand } from './bot-command.ts';
import { callCommand } from './call-command.ts';
import { burstCommand } from './burst-command.ts';
import { loadCommand } from './load-command.ts';
import { providerApiCommand } from './provider-api-command.ts';
import { setupCommand } from './setup-command.ts';
import { COMMANDS, commandUsage, providersTable, usage, type Command } from './usage.ts';

/** The whole help text (generated; see `usage.ts`). */
export const USAGE = usage();

const HELP_FLAGS = new Set(['--help', '-h']);

/** Runs one command; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if ((COMMANDS as readonly string[]).includes(command ?? '') && rest.some((a) => HELP_FLAGS.has(a))) {
    process.stdout.write(`usage:\n${commandUsage(command as Command)}`);
    return 0;
  }
  try {
    switch (command) {
      case 'call':
        return await callCommand(rest);
      case 'provider-api':
        return await providerApiCommand(rest);
      case 'load':
        return await loadCommand(rest);
      case 'burst':
        return await burstCommand(rest);
      case 'setup':
        return await setupCommand(rest);
      case 'bot':
        return await botCommand(rest);
      case 'providers':
        process.stdout.write(providersTable());
        return 0;
      case 'help':
        if (rest[0] !== undefined && (COMMANDS as readonly string[]).includes(rest[0])) {
          process.stdout.write(`usage:\n${commandUsage(rest[0] as Command)}`);
          return 0;
        }
        process.stdout.write(USAGE);
        return 0;
      case undefined:
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        process.stderr.write(`vr3-sim: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof SimulatorError) {
      process.stderr.write(`vr3-sim: ${err.message}\n`);
      return err.code === SimulatorErrorCode.InvalidOption || err.code === SimulatorErrorCode.UnsupportedProvider ? 2 : 1;
    }
    if (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`vr3-sim: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
