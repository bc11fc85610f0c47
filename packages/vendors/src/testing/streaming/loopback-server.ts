/**
 * What every stand-in's HTTP server shares: listening on `127.0.0.1:0`, counting and tracking the
 * TCP connections it accepted, reading a request body with a byte cap, and an idempotent stop that
 * drops whatever is still open.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A server listening on 127.0.0.1 with its connections tracked. */
export interface LoopbackListener {
  readonly port: number;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Stops listening and destroys every open connection; resolves once the server closed. Idempotent. */
  stop(): Promise<void>;
}

/** Tracks `server`'s connections and starts it on 127.0.0.1, port 0. */
export async function listenOnLoopback(server: Server): Promise<LoopbackListener> {
  const sockets = new Set<Socket>();
  let connections = 0;
  let stopping: Promise<void> | undefined;
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    get connections() {
      return connections;
    },
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return stopping;
    },
  };
}

/**
 * Reads `req`'s body, keeping at most `maxBytes`, then calls `done` with it and whether the body was
 * larger. A request error destroys the response.
 */
export function readRequestBody(req: IncomingMessage, res: ServerResponse, maxBytes: number, done: (body: Buffer, tooLarge: boolean) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= maxBytes) chunks.push(chunk);
  });
  req.on('error', () => res.destroy());
  req.on('end', () => done(Buffer.concat(chunks), size > maxBytes));
}
