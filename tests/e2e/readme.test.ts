/**
 * The README's "Try it without a provider account" section, run as written: its first `sh` block
 * starts the product (and runs until stopped), the next one is run by `bash -e` in the repository,
 * and must exit 0 with a completed call, an `echo.wav`, and a passing load run.
 *
 * The README names fixed ports (8080, 9090). The commands run in a network namespace of their own
 * (`unshare -n`, root only), where those ports are always free; without one, the test uses the host's
 * ports and refuses to start when something already listens on them. The product's data dir is a
 * fresh `VR3_DATA_DIR` (documented variable), not the repository's `./.vr3`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir } from '../harness/product.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECTION = '## Try it without a provider account';
const PORTS = [8080, 9090];

/** The `sh` blocks of the README section headed `heading`, in order. */
function shellBlocks(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`${heading}\n`);
  if (start < 0) throw new Error(`README has no section "${heading}"`);
  const rest = markdown.slice(start + heading.length);
  const end = rest.search(/^## /m);
  const section = end < 0 ? rest : rest.slice(0, end);
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** The environment of a fresh shell: the test runner's own product variables removed. */
function freshEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('VR3_') || ['PORT', 'HOST', 'DATABASE_URL', 'NATS_URL', 'REDIS_URL', 'LOG_LEVEL', 'URL'].includes(k)) continue;
    env[k] = v;
  }
  return { ...env, npm_config_update_notifier: 'false' };
}

const portFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const probe = net.connect({ host: '127.0.0.1', port });
    probe.once('connect', () => {
      probe.destroy();
      resolve(false);
    });
    probe.once('error', () => resolve(true));
  });

/** A process holding a network namespace with loopback up, or null when the machine cannot make one. */
async function namespaceHolder(): Promise<ChildProcess | null> {
  if (spawnSync('unshare', ['-n', 'true']).status !== 0 || spawnSync('nsenter', ['--version']).status !== 0) return null;
  const holder = spawn('unshare', ['-n', 'sh', '-c', 'ip link set lo up && echo ready && exec sleep 600'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = await new Promise<boolean>((resolve) => {
    holder.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve(true));
    holder.once('exit', () => resolve(false));
  });
  return ready ? holder : null;
}

/** `bash -c script` in the namespace (when there is one), in its own process group. */
function shell(script: string, options: { holder: ChildProcess | null; env: Record<string, string>; errexit: boolean }): ChildProcess {
  const bash = ['bash', ...(options.errexit ? ['-e', '-x'] : []), '-c', script];
  const [cmd, ...args] = options.holder ? ['nsenter', `--net=/proc/${options.holder.pid}/ns/net`, '--', ...bash] : bash;
  return spawn(cmd!, args, { cwd: ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
}

const exitOf = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));

/**
 * SIGTERM to the process group (what is left of it, even once its leader exited: a backgrounded
 * `npx` child outlives `kill %1` in a shell without job control), SIGKILL after `graceMs`.
 */
async function stopGroup(child: ChildProcess | undefined, graceMs = 15_000): Promise<void> {
  if (!child?.pid) return;
  const kill = (signal: NodeJS.Signals | 0): boolean => {
    try {
      process.kill(-child.pid!, signal);
      return true;
    } catch {
      return false; // no process left in the group
    }
  };
  if (!kill('SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (kill(0)) {
    if (Date.now() > deadline) {
      kill('SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await exitOf(child);
}

describe('README: Try it without a provider account', () => {
  const blocks = shellBlocks(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'), SECTION);
  const echoWav = path.join(ROOT, 'echo.wav');
  let holder: ChildProcess | null = null;
  let product: ChildProcess | undefined;
  let productLog = '';
  let dataDir = '';

  beforeAll(async () => {
    expect(blocks, 'the section has the product block and the commands block').toHaveLength(2);
    holder = await namespaceHolder();
    if (!holder) {
      for (const port of PORTS) {
        if (!(await portFree(port))) throw new Error(`port ${port} is in use and no network namespace is available (run as root, with unshare and nsenter)`);
      }
    }
    fs.rmSync(echoWav, { force: true });
    dataDir = makeDataDir();
    product = shell(blocks[0]!, { holder, env: { ...freshEnv(), VR3_DATA_DIR: dataDir }, errexit: false });
    await new Promise<void>((resolve, reject) => {
      product!.stdout!.on('data', (chunk: Buffer) => {
        productLog += chunk.toString('utf8');
        if (productLog.includes('"listening"')) resolve();
      });
      product!.stderr!.on('data', (chunk: Buffer) => (productLog += chunk.toString('utf8')));
      product!.once('exit', (code) => reject(new Error(`the product block exited with ${code} before listening:\n${productLog.slice(-3000)}`)));
    });
  });

  afterAll(async () => {
    await stopGroup(product);
    holder?.kill('SIGKILL');
    fs.rmSync(echoWav, { force: true });
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the commands block runs as written: setup prints a stream URL, the call completes, load passes', async () => {
    const commands = shell(blocks[1]!, { holder, env: freshEnv(), errexit: true });
    let stdout = '';
    let stderr = '';
    commands.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    commands.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => void stopGroup(commands, 1000), 45_000);
    const code = await exitOf(commands);
    clearTimeout(timer);
    await stopGroup(commands, 1000); // the backgrounded stand-in, if `kill %1` did not run
    // `bash -x` traces each command on stderr: the last `+` line names the one that failed.
    expect(code, `exit ${code}\n--- stdout\n${stdout}\n--- stderr\n${stderr.slice(-4000)}`).toBe(0);
    expect(stderr).toMatch(/^\+ URL='?ws:\/\/127\.0\.0\.1:8080\/api\/v1\/agent-stream\/[0-9a-f-]{36}\?provider=cloudonix&Domain=acme'?$/m);
    expect(stdout).toMatch(/closed code=1000/);
    expect(stdout).toMatch(/^PASS {2}10\/10 calls/m);
    expect(fs.statSync(echoWav).size).toBeGreaterThan(44 + 16000); // a WAV header and well over 0.5 s of audio
  });
});
