/**
 * The embedded product (`npm start`'s entry point) as a benchmark subject: a child process on a
 * chosen core with a fresh data dir, its log lines written to a file, an echo agent and a
 * Cloudonix configuration pointing at the provider REST stand-in.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, chmodSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setupProduct } from '@vr3/simulator';
import { spawnOnCore, stopProcess, waitForLine } from './processes.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** A running product. */
export interface BenchProduct {
  child: ChildProcess;
  pid: number;
  baseUrl: string;
  apiKey: string;
  /** Agent Stream URL of the echo agent (Cloudonix, domain `acme`). */
  streamUrl: string;
  stop(): Promise<void>;
}

/** Options of {@link startProduct}. */
export interface StartProductOptions {
  core: number | null;
  providerApiUrl: string;
  providerToken: string;
  logFile: string;
  logLevel?: string;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeArgs?: string[];
  env?: Record<string, string>;
}

/** Starts the product and sets it up; the data dir is removed on stop. */
export async function startProduct(o: StartProductOptions): Promise<BenchProduct> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vr3-bench-'));
  chmodSync(dataDir, 0o711); // the embedded database runs as another OS user
  const apiKey = `vr3_bench_${randomBytes(16).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    VR3_DATA_DIR: dataDir,
    VR3_BOOTSTRAP_API_KEY: apiKey,
    VR3_ALLOW_INSECURE_PROVIDER_URLS: 'true',
    VR3_DRAIN_TIMEOUT_MS: '2000',
    LOG_LEVEL: o.logLevel ?? 'info',
    ...o.env,
  };
  delete env.DATABASE_URL;
  delete env.NODE_OPTIONS;
  const log = createWriteStream(o.logFile);
  const child = spawnOnCore(o.core, process.execPath, [...(o.nodeArgs ?? []), '--import', 'tsx', 'apps/embedded/src/main.ts'], env, ROOT);
  const stop = async (): Promise<void> => {
    await stopProcess(child, 20_000);
    log.end();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const m = await waitForLine(child, /"msg":"listening".*"port":(\d+)|"port":(\d+).*"msg":"listening"/, 120_000, (line) => log.write(`${line}\n`));
    const port = Number(m[1] ?? m[2]);
    const baseUrl = `http://127.0.0.1:${port}`;
    const setup = await setupProduct({ productUrl: baseUrl, apiKey, providerApiUrl: o.providerApiUrl, token: o.providerToken });
    // `taskset -c N node …` execs node in place, so the child's pid is the product's.
    return { child, pid: child.pid!, baseUrl, apiKey, streamUrl: setup.streamUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
