import { parseArgs } from 'node:util';
import type { Db } from '../db/prisma.ts';
import { OperatorError, OperatorErrorCode } from '../errors.ts';
import { createOrganization, listOrganizations, mintAdminKey, type MintedAdminKey } from './organizations.ts';

/** Usage of `npm run operator -- <command>`. */
export const OPERATOR_USAGE = `usage: npm run operator -- <command> [options]

commands:
  create-org --name <name> --admin-email <email> [--admin-name <name>]
      a new organization, its first admin user and that admin's API key (printed once)
  mint-admin-key [--org <id or name>]
      recovery: a new admin API key for the organization (the only one when --org is omitted)
  list-orgs
      the organizations (id, name, created_at)

database (every command):
  --data-dir <dir>   the embedded product's data dir (default: VR3_DATA_DIR, else ./.vr3), whether
                     the product is running or not; without it, DATABASE_URL when set
`;

/** A parsed operator command line. */
export type OperatorCommand =
  | { command: 'create-org'; name: string; adminEmail: string; adminName?: string; dataDir?: string }
  | { command: 'mint-admin-key'; organization?: string; dataDir?: string }
  | { command: 'list-orgs'; dataDir?: string }
  | { command: 'help' };

/** Parses `argv` (after the script name); `invalid_argument` names what is wrong. */
export function parseOperatorArgs(argv: readonly string[]): OperatorCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        name: { type: 'string' },
        'admin-email': { type: 'string' },
        'admin-name': { type: 'string' },
        org: { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new OperatorError(OperatorErrorCode.InvalidArgument, (err as Error).message, { cause: err });
  }
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;
  if (values.help || command === undefined || command === 'help') return { command: 'help' };
  if (extra.length > 0) throw new OperatorError(OperatorErrorCode.InvalidArgument, `unexpected argument: ${extra[0]}`);
  const dataDir = values['data-dir'] === undefined ? {} : { dataDir: values['data-dir'] };
  const allowed: Record<string, readonly string[]> = { 'create-org': ['name', 'admin-email', 'admin-name'], 'mint-admin-key': ['org'], 'list-orgs': [] };
  const own = allowed[command];
  if (!own) throw new OperatorError(OperatorErrorCode.InvalidArgument, `unknown command: ${command}`);
  for (const option of Object.keys(values)) {
    if (option !== 'data-dir' && !own.includes(option)) throw new OperatorError(OperatorErrorCode.InvalidArgument, `--${option} does not apply to ${command}`);
  }
  switch (command) {
    case 'create-org': {
      const name = values.name;
      const adminEmail = values['admin-email'];
      if (!name) throw new OperatorError(OperatorErrorCode.InvalidArgument, 'create-org needs --name');
      if (!adminEmail) throw new OperatorError(OperatorErrorCode.InvalidArgument, 'create-org needs --admin-email');
      return { command, name, adminEmail, ...(values['admin-name'] === undefined ? {} : { adminName: values['admin-name'] }), ...dataDir };
    }
    case 'mint-admin-key':
      return { command, ...(values.org === undefined ? {} : { organization: values.org }), ...dataDir };
    default:
      return { command: 'list-orgs', ...dataDir };
  }
}

function keyOutput(minted: MintedAdminKey): Record<string, string> {
  return {
    organization_id: minted.organizationId,
    organization_name: minted.organizationName,
    user_id: minted.userId,
    api_key_id: minted.apiKeyId,
    role: 'admin',
    api_key: minted.apiKey,
  };
}

/** Runs a database command; the result is what the CLI prints (one JSON line). */
export async function runOperatorCommand(db: Db, command: Exclude<OperatorCommand, { command: 'help' }>): Promise<Record<string, unknown>> {
  switch (command.command) {
    case 'create-org':
      return keyOutput(
        await createOrganization(db, { name: command.name, adminEmail: command.adminEmail, ...(command.adminName === undefined ? {} : { adminName: command.adminName }) }),
      );
    case 'mint-admin-key':
      return keyOutput(await mintAdminKey(db, command.organization === undefined ? {} : { organization: command.organization }));
    case 'list-orgs':
      return { data: (await listOrganizations(db)).map((o) => ({ id: o.id, name: o.name, created_at: o.createdAt.toISOString() })) };
  }
}
