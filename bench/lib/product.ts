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
import WebSocket from 'ws';
import { BENCH_METRICS_ENV } from './metrics.ts';
import { spawnOnCore, stopProcess, waitForLine } from './processes.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** A running product. */
export interface BenchProduct {
  child: ChildProcess;
  pid: number;
  baseUrl: string;
  apiKey: string;
  /** Agent Stream URL of the agent (Cloudonix, domain `acme`). */
  streamUrl: string;
  /** Runs a full garbage collection in the product (only when started with `inspect`). */
  collectGarbage(): Promise<void>;
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
  /**
   * Open the V8 inspector on 127.0.0.1 (a random port) so that {@link BenchProduct.collectGarbage}
   * can force a full GC through it: memory is then compared without garbage that was merely not
   * collected yet. No product option is involved.
   */
  inspect?: boolean;
  /** PCM16 rate of the echo agent (16 kHz runs both resamplers per frame; 8 kHz none). */
  echoRate?: 8000 | 16000;
  /** The agent's engine instead of the echo agent (the bridge scenario). */
  engine?: Record<string, unknown>;
}

/**
 * The per-address connection rate of the benched processes: unbounded in practice, since the one
 * load generator address stands for many providers' media servers (the product's default, 50 a
 * second with bursts of 200, would refuse a burst scenario's calls with 1013).
 */
export const BENCH_CONNECTION_RATE_ENV = Object.freeze({ VR3_CONNECTIONS_PER_SECOND_PER_ADDRESS: '1000000', VR3_CONNECTION_BURST_PER_ADDRESS: '1000000' });

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
    ...BENCH_METRICS_ENV,
    // The load generator is one source address standing for many providers' media servers.
    ...BENCH_CONNECTION_RATE_ENV,
    LOG_LEVEL: o.logLevel ?? 'info',
    ...o.env,
  };
  delete env.DATABASE_URL;
  delete env.NODE_OPTIONS;
  const log = createWriteStream(o.logFile);
  const nodeArgs = [...(o.nodeArgs ?? []), ...(o.inspect ? ['--inspect=127.0.0.1:0'] : [])];
  const child = spawnOnCore(o.core, process.execPath, [...nodeArgs, '--import', 'tsx', 'apps/embedded/src/main.ts'], env, ROOT);
  let inspectorUrl: string | null = null;
  child.stderr?.on('data', (chunk: Buffer) => {
    const m = /Debugger listening on (ws:\/\/\S+)/.exec(chunk.toString('utf8'));
    if (m) inspectorUrl = m[1]!;
  });
  const stop = async (): Promise<void> => {
    await stopProcess(child, 20_000);
    log.end();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const m = await waitForLine(child, /"msg":"listening".*"port":(\d+)|"port":(\d+).*"msg":"listening"/, 120_000, (line) => log.write(`${line}\n`));
    const port = Number(m[1] ?? m[2]);
    const baseUrl = `http://127.0.0.1:${port}`;
    const setup = await setupProduct({ productUrl: baseUrl, apiKey, providerApiUrl: o.providerApiUrl, token: o.providerToken, ...(o.echoRate ? { echoSampleRate: o.echoRate } : {}), ...(o.engine ? { engine: o.engine } : {}) });
    // `taskset -c N node …` execs node in place, so the child's pid is the product's.
    const collectGarbage = async (): Promise<void> => {
      if (inspectorUrl === null) throw new Error('the product was not started with inspect');
      await inspectorCall(inspectorUrl, 'HeapProfiler.collectGarbage');
    };
    return { child, pid: child.pid!, baseUrl, apiKey, streamUrl: setup.streamUrl, collectGarbage, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Sends one Chrome DevTools Protocol command to a V8 inspector and waits for its answer. */
function inspectorCall(url: string, method: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`inspector ${method} timed out`));
    }, 30_000);
    ws.on('open', () => ws.send(JSON.stringify({ id: 1, method })));
    ws.on('message', (data) => {
      if ((JSON.parse(data.toString()) as { id?: number }).id !== 1) return;
      clearTimeout(timer);
      ws.close();
      resolve();
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
