import { fork } from 'node:child_process';
import type { Server, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

const HELPER = fileURLToPath(new URL('./accept-helper.cjs', import.meta.url));
/** Longest wait for the helper to hand the copies back. */
const SETUP_TIMEOUT_MS = 5_000;

/**
 * Default extra accept handles of a media-edge's listening socket: with 8 in all, a burst of a few
 * hundred calls per second is accepted as it arrives even while the loop runs hundreds of live calls.
 */
export const DEFAULT_ACCEPT_HANDLES = 7;

/** More accept handles on a server's listening socket; {@link close} them when the server stops listening. */
export interface AcceptHandles {
  /** Handles listening besides the server's own. */
  readonly count: number;
  /** Stops the extra handles accepting (idempotent). */
  close(): void;
}

/**
 * Gives a listening `server` `count` more handles on its socket, each feeding the connections it
 * accepts to `server` (`'connection'`). A busy Node process accepts one connection per event-loop
 * iteration and handle, so a burst of new calls otherwise waits in the kernel's accept queue
 * (seconds, at hundreds of calls per second) while the loop is busy with live calls.
 * The copies of the socket come from a short-lived helper process over IPC (as Node's cluster
 * shares listening sockets). Resolves with no extra handle when that is not possible here.
 */
export async function addAcceptHandles(server: Server, count: number): Promise<AcceptHandles> {
  const handles: Server[] = [];
  // `maxConnections` holds across every handle: Node checks each handle's own count, so the total
  // (the server's own connections and those fed to it) is checked here as well.
  let fed = 0;
  const own = (): number => (server as unknown as { _connections?: number })._connections ?? 0;
  const full = (extra: number): boolean => server.maxConnections !== undefined && server.maxConnections > 0 && own() + fed + extra > server.maxConnections;
  const feed = (socket: Socket): void => {
    if (full(1)) {
      socket.destroy();
      return;
    }
    fed++;
    socket.once('close', () => fed--);
    server.emit('connection', socket);
  };
  const guard = (socket: Socket): void => {
    // A connection of the server's own handle (fed ones were checked before they came).
    if ((socket as unknown as { server?: unknown }).server === server && full(0)) socket.destroy();
  };
  const close = (): void => {
    server.off('connection', guard);
    for (const handle of handles.splice(0)) handle.close();
  };
  if (count <= 0 || process.platform === 'win32') return { count: 0, close };
  const helper = fork(HELPER, [], { execArgv: [], stdio: ['ignore', 'ignore', 'ignore', 'ipc'], serialization: 'json' });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('accept helper timed out')), SETUP_TIMEOUT_MS);
      helper.on('message', (msg: { type?: string }, handle: unknown) => {
        if (msg.type === 'connection' && handle) feed(handle as Socket);
        if (msg.type === 'listen' && handle) {
          const copy = handle as Server;
          copy.on('connection', feed);
          handles.push(copy);
          if (handles.length === count) {
            clearTimeout(timer);
            resolve();
          }
        }
      });
      helper.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      helper.once('exit', () => {
        clearTimeout(timer);
        if (handles.length < count) reject(new Error('accept helper exited early'));
      });
      helper.send({ type: 'listen', count }, server);
    });
  } catch {
    close();
    helper.kill();
    return { count: 0, close };
  }
  server.prependListener('connection', guard);
  return { count: handles.length, close };
}
