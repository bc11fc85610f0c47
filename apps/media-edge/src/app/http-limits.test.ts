import type http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpServerLimits } from '@vr3/env';
import { createLimitedHttpServer, DEFAULT_HTTP_LIMITS } from './http-limits.ts';

let server: http.Server | undefined;
/** Client sockets and the server's upgraded (stream) sockets, destroyed after each test. */
const sockets: Array<net.Socket | Duplex> = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A limited server answering requests 200 and upgrades 101-less (the socket is kept: a stream). */
async function start(limits: Partial<HttpServerLimits>): Promise<number> {
  server = createLimitedHttpServer({ ...DEFAULT_HTTP_LIMITS, ...limits }, (_req, res) => res.end('ok'));
  server.on('upgrade', (_req, socket) => {
    sockets.push(socket);
    // As a WebSocket server does: reads the stream, and closes when the peer does.
    socket.on('end', () => socket.destroy()).resume();
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A raw TCP connection; resolves once connected, with when it closed (ms after connecting) and what it received. */
async function connect(port: number, send?: string): Promise<{ socket: net.Socket; closed: Promise<{ afterMs: number; received: string }> }> {
  const socket = net.connect(port, '127.0.0.1');
  sockets.push(socket);
  let received = '';
  socket.on('data', (d) => (received += d.toString('latin1')));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const at = performance.now();
  const closed = new Promise<{ afterMs: number; received: string }>((resolve) => socket.once('close', () => resolve({ afterMs: performance.now() - at, received })));
  if (send !== undefined) socket.write(send);
  return { socket, closed };
}

const HALF_UPGRADE = 'GET /api/v1/agent-stream/6f1c1b9e-1d2a-4c57-9b0e-4a7e0c2f9d11 HTTP/1.1\r\nHost: edge\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n';
const FULL_UPGRADE = `${HALF_UPGRADE}Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;

describe('createLimitedHttpServer', () => {
  it('drops upgrade requests whose headers are not complete by the headers timeout (408), not before', async () => {
    const port = await start({ headersTimeoutMs: 400, requestTimeoutMs: 1_000 });
    const half = await Promise.all(Array.from({ length: 40 }, () => connect(port, HALF_UPGRADE)));
    const upgraded = await connect(port, FULL_UPGRADE);
    const outcomes = await Promise.all(half.map((h) => h.closed));
    for (const o of outcomes) {
      expect(o.afterMs).toBeGreaterThanOrEqual(350);
      expect(o.afterMs).toBeLessThan(1_500);
      expect(o.received).toMatch(/^HTTP\/1\.1 408/);
    }
    // A completed upgrade is a stream now: no HTTP timeout applies to it.
    await new Promise((r) => setTimeout(r, 300));
    expect(upgraded.socket.destroyed).toBe(false);
  });

  it('closes a connection beyond maxConnections at once; the open ones are kept; room is made as they close', async () => {
    const port = await start({ maxConnections: 5, headersTimeoutMs: 60_000, requestTimeoutMs: 60_000 });
    const held = await Promise.all(Array.from({ length: 5 }, () => connect(port, FULL_UPGRADE)));
    const beyond = await connect(port);
    const { afterMs, received } = await beyond.closed;
    expect(afterMs).toBeLessThan(500);
    expect(received).toBe('');
    expect(held.every((h) => !h.socket.destroyed)).toBe(true);

    held[0]!.socket.destroy();
    await held[0]!.closed;
    await new Promise((r) => setTimeout(r, 50));
    const next = await connect(port, 'GET /healthz HTTP/1.1\r\nHost: edge\r\nConnection: close\r\n\r\n');
    expect((await next.closed).received).toMatch(/^HTTP\/1\.1 200/);
  });

  it('counts connections handed to it from elsewhere (extra accept handles) against the cap', async () => {
    const port = await start({ maxConnections: 2 });
    await connect(port, FULL_UPGRADE);
    await connect(port, FULL_UPGRADE);
    // A connection another handle accepted, emitted on the server as its own handle would.
    const [a, b] = await socketPair();
    sockets.push(a, b);
    const closed = new Promise<void>((resolve) => b.once('close', () => resolve()));
    server!.emit('connection', a);
    await closed;
    expect(a.destroyed).toBe(true);
  });
});

describe('DEFAULT_HTTP_LIMITS', () => {
  it('10 s headers, 30 s request, 5 s keep-alive, 5000 connections', () => {
    expect(DEFAULT_HTTP_LIMITS).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 5_000 });
  });
});

/** Two connected TCP sockets on 127.0.0.1 (from a throwaway listener). */
async function socketPair(): Promise<[net.Socket, net.Socket]> {
  const listener = net.createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => listener.once('connection', resolve));
  const client = net.connect((listener.address() as AddressInfo).port, '127.0.0.1');
  client.on('error', () => undefined);
  const serverSide = await accepted;
  listener.close();
  return [serverSide, client];
}
