import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeCloudonixApi, type FakeCloudonixApi } from '@vr3/providers/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { entryArgs } from '../harness/entries.ts';
import { finalRun, setupCloudonix, startCall } from '../harness/cloudonix.ts';
import { ProductProcess, makeDataDir } from '../harness/product.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = `cx-token-${randomUUID()}`;
const started: ProductProcess[] = [];
const dirs: string[] = [];
let api: FakeCloudonixApi | undefined;

afterAll(async () => {
  for (const p of started) await p.stop();
  await api?.close();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const start = async (options: Parameters<typeof ProductProcess.start>[0]) => {
  const p = await ProductProcess.start(options);
  started.push(p);
  return p;
};
const dataDir = () => {
  const dir = makeDataDir();
  dirs.push(dir);
  return dir;
};

interface Run {
  code: number | null;
  stderr: string;
  result: any;
}

/** The entry `npm run backup` and `npm run restore` run (with `backup` or `restore` first). */
const BACKUP = path.join(ROOT, 'apps/embedded/src/operator/backup-main.ts');

/**
 * `script` with `args` at the repository root, with no VR3_DATA_DIR of the runner's: its entry
 * (bundled for this run), or with `npm: true` as `npm run <script> -- …args`.
 */
function npmRun(script: 'backup' | 'restore', args: string[], options: { npm?: boolean } = {}): Promise<Run> {
  const env = { ...process.env, npm_config_update_notifier: 'false' } as Record<string, string>;
  delete env['VR3_DATA_DIR'];
  delete env['DATABASE_URL'];
  const [cmd, argv] = options.npm ? ['npm', ['run', '--silent', script, '--', ...args]] : [process.execPath, [...entryArgs(BACKUP), script, ...args]];
  const child = spawn(cmd, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  return new Promise((resolve) =>
    child.once('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      resolve({ code, stderr, result: line ? JSON.parse(line) : undefined });
    }),
  );
}

describe('npm run backup / restore', () => {
  it('round trip: backup of a running and of a stopped product, restore into a fresh data dir, the credentials decrypt', async () => {
    api = await startFakeCloudonixApi({ bearerToken: TOKEN });
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'vr3-backup-'));
    dirs.push(out);
    const source = dataDir();
    const first = await start({ dataDir: source });
    const setup = await setupCloudonix(first, api, TOKEN);

    // Running: pg_dump reads the product's own server; the secret key is left out, loudly.
    const live = await npmRun('backup', ['--data-dir', source, '--out', path.join(out, 'live.dump')], { npm: true });
    expect(live.code).toBe(0);
    expect(live.result).toMatchObject({ command: 'backup', via: 'running_product', secret_key_file: null, bytes: expect.any(Number) });
    expect(live.stderr).toMatch(/WARNING: the backup does not contain .*secret\.key/);
    expect(fs.statSync(path.join(out, 'live.dump')).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(path.join(out, `live.dump.secret.key`))).toBe(false);

    // A running product's data dir is never restored over.
    const refused = await npmRun('restore', ['--in', path.join(out, 'live.dump'), '--data-dir', source]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('product_running');
    expect((await first.api('GET', `/agents/${setup.agentUuid}`)).status).toBe(200);

    expect(await first.stop()).toBe(0);

    // Stopped: a database server is started for the dump, and the key is saved beside it on request.
    const cold = await npmRun('backup', ['--data-dir', source, '--out', path.join(out, 'cold.dump'), '--include-secret-key']);
    expect(cold.code).toBe(0);
    expect(cold.result).toMatchObject({ via: 'data_dir', secret_key_file: path.join(out, 'cold.dump.secret.key') });
    expect(fs.readFileSync(path.join(out, 'cold.dump.secret.key'), 'utf8')).toBe(fs.readFileSync(path.join(source, 'secret.key'), 'utf8'));
    // The backup released the data dir and stopped its server.
    expect(fs.existsSync(path.join(source, 'vr3.lock'))).toBe(false);

    // Restore into a fresh data dir: the key beside the dump is put in place.
    const fresh = dataDir();
    const restored = await npmRun('restore', ['--in', path.join(out, 'cold.dump'), '--data-dir', fresh], { npm: true });
    expect(restored.code).toBe(0);
    expect(restored.result).toMatchObject({ command: 'restore', data_dir: fresh, secret_key: 'restored' });

    // The live backup (no key beside it) restores too, into a data dir given the key by hand.
    const manual = dataDir();
    fs.copyFileSync(path.join(source, 'secret.key'), path.join(manual, 'secret.key'));
    const restoredLive = await npmRun('restore', ['--in', path.join(out, 'live.dump'), '--data-dir', manual]);
    expect(restoredLive.code).toBe(0);
    expect(restoredLive.result.secret_key).toBe('kept_unverified');
    expect(restoredLive.stderr).toContain('WARNING');
    // A data dir with another key is refused before anything changes.
    const other = dataDir();
    fs.writeFileSync(path.join(other, 'secret.key'), 'another-key\n', { mode: 0o600 });
    const mismatch = await npmRun('restore', ['--in', path.join(out, 'cold.dump'), '--data-dir', other]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toContain('secret_key_mismatch');
    expect(fs.existsSync(path.join(other, 'postgres'))).toBe(false);

    // The product starts on the restored data dir with everything in it: the bootstrap admin's key
    // works, the agent and configuration are there, and a call is admitted (its token decrypts).
    const second = await start({ dataDir: fresh, apiKey: null });
    expect(second.log()).not.toContain('VR3 admin API key');
    const key = first.apiKey;
    expect((await second.api('GET', `/agents/${setup.agentUuid}`, undefined, key)).body.uuid).toBe(setup.agentUuid);
    const cfg = await second.api('GET', `/telephony-configurations/${setup.configId}`, undefined, key);
    expect(cfg.body).toMatchObject({ id: setup.configId, has_bearer_token: true });
    const keyed = Object.assign(Object.create(second) as ProductProcess, { api: (m: string, p: string, b?: unknown) => second.api(m, p, b, key) });
    const call = await startCall(keyed, api, setup);
    call.client.sendStop();
    expect(await finalRun(keyed, call.runId)).toMatchObject({ state: 'completed', end_reason: 'caller_hangup' });
    // Eight product, backup and restore processes, three database clusters initialised.
  }, 240_000);
});
