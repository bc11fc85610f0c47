import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { createPortBus, type Bus } from '@vr3/protocol';
import type { ControlPlaneConfig } from '@vr3/control-plane';
import { createRpc } from './rpc.ts';

/** What the control-plane thread is started with (structured-cloned into it). */
export interface ControlPlaneThreadData {
  databaseUrl: string;
  dbPoolSize: number;
  /** The 32-byte secret key sealing stored credentials. */
  secretKey: Uint8Array;
  logLevel: string;
  config: Partial<ControlPlaneConfig>;
  /** When the bus started carrying this process's edge heartbeats (epoch ms). */
  busSince: number;
  /** Unix socket path the thread's REST API listens on. */
  apiSocket: string;
}

/** Asks the thread for the bootstrap admin key and password (see `ensureBootstrap`). */
export interface BootstrapRequest {
  apiKey?: string;
  /** Whether a minted key is handed to the main thread (`reveal`) before it is stored. */
  reveal: boolean;
  /** VR3_BOOTSTRAP_PASSWORD. */
  adminPassword?: string;
  /** VR3_BOOTSTRAP_EMAIL. */
  adminEmail?: string;
  /** Whether a generated password is handed to the main thread (`reveal-password`) before it is stored. */
  revealPassword: boolean;
}

/** What the main thread may be given to show at bootstrap. */
export interface BootstrapOptions {
  apiKey?: string;
  reveal?: (key: string) => void;
  adminPassword?: string;
  adminEmail?: string;
  revealPassword?: (credentials: { email: string; password: string }) => void;
}

/** The control-plane running on its own thread. */
export interface ControlPlaneThread {
  /** The main thread's end of the bus: the media-edge's. */
  readonly bus: Bus;
  /** Unix socket of the REST API (`/api/v1`). */
  readonly apiSocket: string;
  /** The thread's metrics, in the Prometheus text format. */
  metrics(): Promise<string>;
  /** Sets the base URL providers reach the product at, once the product listens (see `ControlPlane.setPublicUrl`). */
  setPublicUrl(url: string): Promise<void>;
  /**
   * Ensures an admin key exists and the bootstrap admin has a password; a minted key goes to
   * `reveal`, a generated password to `revealPassword`, each stored after it returned.
   */
  bootstrap(options: BootstrapOptions): Promise<string | undefined>;
  /** Stops the control-plane and its thread (idempotent). */
  close(): Promise<void>;
}

/** Options of {@link startControlPlaneThread}. */
export interface StartControlPlaneThreadOptions extends Omit<ControlPlaneThreadData, 'apiSocket' | 'busSince'> {
  /** The API socket goes here when the path is short enough for a Unix socket, else in the temp dir. */
  dataDir: string;
  logger: Logger;
  /** The thread died on its own (an uncaught error): the product cannot admit calls any more. */
  onFailure(err: Error): void;
}

/** Set when the product runs bundled (`scripts/build-entries.mjs`): the bundled worker, which needs no loader. */
declare const VR3_BUNDLED_WORKER: string | undefined;
const WORKER = typeof VR3_BUNDLED_WORKER === 'string' ? new URL(VR3_BUNDLED_WORKER) : new URL('./worker-entry.mjs', import.meta.url);
/** Longest Unix socket path (sun_path is 108 bytes on Linux, with its terminator). */
const MAX_SOCKET_PATH = 100;
/** Longest wait for the thread to stop before it is terminated. */
const CLOSE_TIMEOUT_MS = 15_000;

function apiSocketPath(dataDir: string): string {
  const inDataDir = path.resolve(dataDir, 'control-plane.sock');
  if (Buffer.byteLength(inDataDir) <= MAX_SOCKET_PATH) return inDataDir;
  return path.join(os.tmpdir(), `vr3-cp-${process.pid}-${crypto.randomBytes(4).toString('hex')}.sock`);
}

/**
 * Starts the control-plane on a worker thread and waits until it answers on the bus and on its API
 * socket. The worker runs with the main thread's loader flags (`--import tsx`), as Node gives them,
 * or, bundled, as plain JavaScript.
 */
export async function startControlPlaneThread(options: StartControlPlaneThreadOptions): Promise<ControlPlaneThread> {
  const { dataDir, logger, onFailure, ...rest } = options;
  const { port1, port2 } = new MessageChannel();
  const bus = createPortBus(port1);
  const data: ControlPlaneThreadData = { ...rest, busSince: Date.now(), apiSocket: apiSocketPath(dataDir) };
  const worker = new Worker(WORKER, { workerData: { ...data, busPort: port2 }, transferList: [port2] });
  const rpc = createRpc(worker);
  let closing: Promise<void> | undefined;
  let exited = false;
  let started = false;
  worker.on('error', (err) => logger.error({ err }, 'control-plane thread failed'));
  worker.on('exit', (code) => {
    exited = true;
    const err = new Error(`control-plane thread exited (code ${code})`);
    rpc.abort(err);
    void bus.close();
    if (started && !closing) onFailure(err);
  });
  rpc.handle('reveal', () => undefined);
  rpc.handle('reveal-password', () => undefined);

  const close = (): Promise<void> =>
    (closing ??= (async () => {
      if (exited) return;
      const timer = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS);
      try {
        await rpc.call('close');
      } finally {
        clearTimeout(timer);
        await bus.close();
        await worker.terminate();
      }
    })());

  try {
    await rpc.call('start');
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
  started = true;
  return {
    bus,
    apiSocket: data.apiSocket,
    metrics: () => rpc.call<string>('metrics'),
    setPublicUrl: (url) => rpc.call<void>('public-url', url),
    async bootstrap({ apiKey, reveal, adminPassword, adminEmail, revealPassword }) {
      rpc.handle('reveal', (key) => reveal?.(key as string));
      rpc.handle('reveal-password', (credentials) => revealPassword?.(credentials as { email: string; password: string }));
      return rpc.call<string | undefined>('bootstrap', {
        ...(apiKey ? { apiKey } : {}),
        reveal: reveal !== undefined,
        ...(adminPassword ? { adminPassword } : {}),
        ...(adminEmail ? { adminEmail } : {}),
        revealPassword: revealPassword !== undefined,
      } satisfies BootstrapRequest);
    },
    close,
  };
}
