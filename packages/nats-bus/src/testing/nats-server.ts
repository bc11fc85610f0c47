import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

/** A `nats-server` child process on 127.0.0.1, for tests. */
export interface TestNatsServer {
  readonly port: number;
  /** `nats://127.0.0.1:<port>`. */
  readonly url: string;
  /** Stops the server (SIGTERM, then SIGKILL after 3 s). Idempotent. */
  stop(): Promise<void>;
  /** Starts it again on the same port after {@link stop}. */
  restart(): Promise<void>;
}

/** Options of {@link startNatsServer}. */
export interface StartNatsServerOptions {
  /** Binary to run. Default `nats-server` from PATH (Debian: `apt-get install nats-server`). */
  binary?: string;
  /** Port; a free one when absent. */
  port?: number;
}

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on 127.0.0.1:`port`. */
export async function waitForPort(port: number, timeoutMs: number, exited?: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (exited?.()) throw new Error(`process exited before listening on ${port}`);
    if (Date.now() > deadline) throw new Error(`nothing listening on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Starts `nats-server` on 127.0.0.1 (no JetStream, no persistence) and waits until it accepts connections. */
export async function startNatsServer(options: StartNatsServerOptions = {}): Promise<TestNatsServer> {
  const port = options.port ?? (await freePort());
  const binary = options.binary ?? 'nats-server';
  let child: ChildProcess | undefined;
  const output: string[] = [];
  const launch = async (): Promise<void> => {
    const proc = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), '-m', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stdout?.on('data', (c: Buffer) => output.push(c.toString()));
    proc.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
    let spawnError: Error | undefined;
    proc.once('error', (err) => (spawnError = err));
    try {
      await waitForPort(port, 10_000, () => spawnError !== undefined || proc.exitCode !== null);
    } catch (err) {
      await stopChild(proc).catch(() => undefined);
      throw new Error(`nats-server did not start (${spawnError?.message ?? 'no listener'}):\n${output.join('').slice(-1500)}`, { cause: err });
    }
  };
  await launch();
  return {
    port,
    url: `nats://127.0.0.1:${port}`,
    async stop() {
      if (child) await stopChild(child);
    },
    async restart() {
      if (child) await stopChild(child);
      await launch();
    },
  };
}
