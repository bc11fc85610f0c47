import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, stopChild, waitForPort } from '@vr3/nats-bus/testing';

/** A `redis-server` child process on 127.0.0.1 without persistence, for tests. */
export interface TestRedis {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** Stops the server (its data is gone: no persistence). Idempotent. */
  stop(): Promise<void>;
  /** Starts it again, empty, on the same port. */
  restart(): Promise<void>;
}

/** Starts `redis-server` (Debian: `apt-get install redis-server`) on a free port and waits until it listens. */
export async function startTestRedis(options: { binary?: string } = {}): Promise<TestRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    const output: string[] = [];
    const proc = spawn(options.binary ?? 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    proc.stdout?.on('data', (c: Buffer) => output.push(c.toString()));
    proc.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
    let spawnError: Error | undefined;
    proc.once('error', (err) => (spawnError = err));
    try {
      await waitForPort(port, 10_000, () => spawnError !== undefined || proc.exitCode !== null);
    } catch (err) {
      await stopChild(proc).catch(() => undefined);
      throw new Error(`redis-server did not start (${spawnError?.message ?? 'no listener'}):\n${output.join('').slice(-1500)}`, { cause: err });
    }
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child) await stopChild(child);
    },
    async restart() {
      if (child) await stopChild(child);
      await launch();
    },
  };
}
