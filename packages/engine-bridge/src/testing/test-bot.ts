import { STATUS_CODES, createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { BridgeProtocol } from '../spec.ts';
import { createBotSideCodec } from './bot-side-codec.ts';
import { TestBotConnection } from './test-bot-connection.ts';
import type { TestBotMode } from './test-bot-connection.ts';

/** Options of {@link startTestBot}. */
export interface TestBotOptions {
  /** The protocol the bot speaks (its side of it). */
  protocol: BridgeProtocol;
  /**
   * `echo` (default): plays the caller's audio straight back, closes normally on `#`. `listen`:
   * records and never sends. `refuse`: answers every upgrade with {@link refuseStatus}. `stall`:
   * accepts the TCP connection and reads the upgrade request, but never answers it.
   */
  mode?: TestBotMode;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** HTTP status of `refuse` mode. Default 401. */
  refuseStatus?: number;
  /** Keep every frame, event and the caller audio (default true). A long-running bot turns it off. */
  record?: boolean;
  /** Largest message accepted from the bridge. Default 4 MiB. */
  maxPayloadBytes?: number;
}

/** A bot server on a real socket, for tests and `vr3-sim bot`. */
export interface TestBot {
  /** `ws://host:port/`: the `url` to put in a bridge configuration. */
  readonly url: string;
  readonly port: number;
  readonly protocol: BridgeProtocol;
  readonly mode: TestBotMode;
  /** Accepted WebSocket connections, in order. */
  readonly connections: readonly TestBotConnection[];
  /** Every upgrade request received (all modes): path and headers. */
  readonly upgrades: ReadonlyArray<{ path: string; headers: IncomingHttpHeaders }>;
  /** The first connection not yet returned by this method (waiting for one if needed). */
  nextConnection(timeoutMs?: number): Promise<TestBotConnection>;
  /** Calls `listener` with every new connection; returns an unsubscribe function. */
  onConnection(listener: (connection: TestBotConnection) => void): () => void;
  /** Drops every connection and stops listening. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a scriptable bot server speaking the bot's side of `protocol` (for the provider protocols,
 * through the product's own stream adapters, so it reads frames exactly as the product reads a
 * provider's). Records what it receives; see {@link TestBotConnection} for scripting a call.
 */
export async function startTestBot(options: TestBotOptions): Promise<TestBot> {
  const mode = options.mode ?? 'echo';
  const record = options.record ?? true;
  const connections: TestBotConnection[] = [];
  const upgrades: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
  const stalled = new Set<Socket>();
  const listeners = new Set<(c: TestBotConnection) => void>();
  let claimed = 0;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes ?? 4 << 20, perMessageDeflate: false });
  const server = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket only\n');
  });
  server.on('upgrade', (req, socket: Socket, head: Buffer) => {
    upgrades.push({ path: req.url ?? '/', headers: req.headers });
    socket.on('error', () => socket.destroy());
    if (mode === 'refuse') {
      const status = options.refuseStatus ?? 401;
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Refused'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    if (mode === 'stall') {
      stalled.add(socket);
      socket.on('close', () => stalled.delete(socket));
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new TestBotConnection(ws, req, createBotSideCodec(options.protocol), { mode, record });
      connections.push(connection);
      for (const listener of listeners) listener(connection);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | null = null;

  return {
    url: `ws://${host}:${address.port}/`,
    port: address.port,
    protocol: options.protocol,
    mode,
    connections,
    upgrades,
    nextConnection(timeoutMs = 5000) {
      if (claimed < connections.length) return Promise.resolve(connections[claimed++]!);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(take);
          reject(new Error(`no bot connection within ${timeoutMs} ms`));
        }, timeoutMs);
        const take = (): void => {
          clearTimeout(timer);
          listeners.delete(take);
          resolve(connections[claimed++]!);
        };
        listeners.add(take);
      });
    },
    onConnection(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closing ??= (async () => {
        for (const c of connections) c.terminate();
        for (const s of stalled) s.destroy();
        wss.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
  };
}
