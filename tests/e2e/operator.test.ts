import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestPostgres, type TestPostgres } from '@vr3/control-plane/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { entryArgs } from '../harness/entries.ts';
import { ProductProcess, makeDataDir } from '../harness/product.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const started: ProductProcess[] = [];
const dataDirs: string[] = [];
let postgres: TestPostgres | undefined;

afterAll(async () => {
  for (const p of started) await p.stop();
  await postgres?.stop();
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

interface OperatorRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The JSON line it printed, if any. */
  result: any;
}

/** The entry `npm run operator` runs. */
const OPERATOR = path.join(ROOT, 'apps/embedded/src/operator/main.ts');

/**
 * The operator command with `args` at the repository root, with only `env` naming a database: its
 * entry (bundled for this run), or with `npm: true` as `npm run operator -- …args`.
 */
function operator(args: string[], env: Record<string, string> = {}, options: { npm?: boolean } = {}): Promise<OperatorRun> {
  const base = { ...process.env, npm_config_update_notifier: 'false' } as Record<string, string>;
  delete base['DATABASE_URL'];
  delete base['VR3_DATA_DIR'];
  const [cmd, argv] = options.npm ? ['npm', ['run', 'operator', '--', ...args]] : [process.execPath, [...entryArgs(OPERATOR), ...args]];
  const child = spawn(cmd, argv, { cwd: ROOT, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  return new Promise((resolve) =>
    child.once('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      resolve({ code, stdout, stderr, result: line ? JSON.parse(line) : undefined });
    }),
  );
}

const start = async (options: Parameters<typeof ProductProcess.start>[0]) => {
  const p = await ProductProcess.start(options);
  started.push(p);
  return p;
};

describe('npm run operator', () => {
  it('create-org against DATABASE_URL: the new admin key works on a product using that database', async () => {
    postgres = await startTestPostgres();
    const databaseUrl = await postgres.createDatabase();
    const made = await operator(['create-org', '--name', 'Acme', '--admin-email', 'ops@acme.example'], { DATABASE_URL: databaseUrl }, { npm: true });
    expect(made.code).toBe(0);
    expect(made.result).toEqual({
      organization_id: expect.any(String),
      organization_name: 'Acme',
      user_id: expect.any(String),
      api_key_id: expect.any(String),
      role: 'admin',
      api_key: expect.stringMatching(/^vr3_[\w-]{32}$/),
    });
    expect(made.stderr).toContain('shown once');

    const dataDir = makeDataDir();
    dataDirs.push(dataDir);
    const product = await start({ dataDir, apiKey: null, env: { DATABASE_URL: databaseUrl } });
    // The operator's admin exists: the product mints no key of its own.
    expect(product.log()).not.toContain('VR3 admin API key');
    expect(await product.api('GET', '/me', undefined, made.result.api_key)).toEqual({
      status: 200,
      body: { user_id: made.result.user_id, organization_id: made.result.organization_id, role: 'admin', api_key_id: made.result.api_key_id },
    });
    // The same email cannot be the first admin of a second organization.
    const dup = await operator(['create-org', '--name', 'Again', '--admin-email', 'ops@acme.example'], { DATABASE_URL: databaseUrl });
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('email_taken');
    expect(dup.result).toBeUndefined();
  });

  it('create-org on a running product\'s data dir, and mint-admin-key (recovery) on a stopped one', async () => {
    const dataDir = makeDataDir();
    dataDirs.push(dataDir);
    const product = await start({ dataDir });
    const firstOrg = (await product.api('GET', '/me')).body.organization_id;

    // The product is running: the operator uses its database server.
    const made = await operator(['create-org', '--data-dir', dataDir, '--name', 'Second', '--admin-email', 'second@example.com']);
    expect(made.code).toBe(0);
    const me = await product.api('GET', '/me', undefined, made.result.api_key);
    expect(me).toMatchObject({ status: 200, body: { organization_id: made.result.organization_id, role: 'admin' } });
    expect(made.result.organization_id).not.toBe(firstOrg);
    // Isolated from the first organization.
    const theirKeys = (await product.api('GET', '/api-keys', undefined, made.result.api_key)).body.data.map((k: { id: string }) => k.id);
    expect(theirKeys).toEqual([made.result.api_key_id]);

    // The owner lost every key of the first organization and stopped the product.
    for (const k of (await product.api('GET', '/api-keys')).body.data) await product.api('DELETE', `/api-keys/${k.id}`);
    expect((await product.api('GET', '/me')).status).toBe(401);
    expect(await product.stop()).toBe(0);

    // Two organizations: --org is needed.
    const ambiguous = await operator(['mint-admin-key', '--data-dir', dataDir]);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toContain('organization_ambiguous');

    const minted = await operator(['mint-admin-key', '--data-dir', dataDir, '--org', firstOrg]);
    expect(minted.code).toBe(0);
    expect(minted.result).toMatchObject({ organization_id: firstOrg, role: 'admin' });
    // The operator released the data dir and stopped its database server: the product starts.
    const restarted = await start({ dataDir, apiKey: null });
    expect(await restarted.api('GET', '/me', undefined, minted.result.api_key)).toMatchObject({ status: 200, body: { organization_id: firstOrg, role: 'admin' } });
    expect((await restarted.api('GET', '/agents', undefined, minted.result.api_key)).status).toBe(200);

    const orgs = await operator(['list-orgs', '--data-dir', dataDir]);
    expect(orgs.result.data.map((o: { id: string }) => o.id).sort()).toEqual([firstOrg, made.result.organization_id].sort());
  });

  it('refuses a data dir without a product database, and bad arguments, with the usage', async () => {
    const empty = makeDataDir();
    dataDirs.push(empty);
    const missing = await operator(['mint-admin-key', '--data-dir', empty]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no product database');
    const bad = await operator(['create-org', '--name', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('create-org needs --admin-email');
    expect(bad.stderr).toContain('usage: npm run operator');
  });
});
