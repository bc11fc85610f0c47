import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { runLoad } from './run-load.ts';

let server: WebSocketServer | undefined;
afterEach(async () => {
  if (!server) return;
  for (const ws of server.clients) ws.terminate();
  await new Promise<void>((resolve) => server!.close(() => resolve()));
  server = undefined;
});

/** A ws echo server on 127.0.0.1 that drops every `dropEvery`-th media frame (0: none). */
async function echoServer(dropEvery = 0): Promise<string> {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  let media = 0;
  server.on('connection', (ws: WebSocket) => {
    ws.on('message', (data, isBinary) => {
      if (dropEvery > 0 && data.toString().startsWith('{"event":"media"') && ++media % dropEvery === 0) return;
      ws.send(data, { binary: isBinary });
    });
  });
  await new Promise<void>((resolve) => server!.once('listening', () => resolve()));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/agent`;
}

/** An echo server that sends the caller's audio back in chunks of `frames` media frames (as Exotel's agent side does). */
async function chunkingEchoServer(frames: number): Promise<string> {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (ws: WebSocket) => {
    const pending: Buffer[] = [];
    ws.on('message', (data, isBinary) => {
      const text = data.toString();
      if (isBinary || !text.startsWith('{"event":"media"')) return void ws.send(data, { binary: isBinary });
      pending.push(Buffer.from((JSON.parse(text) as { media: { payload: string } }).media.payload, 'base64'));
      if (pending.length < frames) return;
      ws.send(JSON.stringify({ event: 'media', media: { payload: Buffer.concat(pending.splice(0)).toString('base64') } }));
    });
  });
  await new Promise<void>((resolve) => server!.once('listening', () => resolve()));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/agent`;
}

describe('runLoad', () => {
  it('reads an echo that comes back in chunks of several frames frame by frame', async () => {
    const url = await chunkingEchoServer(10);
    const r = await runLoad({ url, calls: 2, rampPerSecond: 50, settleMs: 500, windowMs: 600, graceMs: 200, hangup: 'close', maxP99Ms: 2000, probeMs: 0 });
    expect(r.window.invalid).toBe(0);
    expect(r.window.echoed).toBeGreaterThan(0);
    expect(r.window.echoed + r.window.lost).toBe(r.window.sent);
    expect(r.window.echoed).toBeGreaterThanOrEqual(r.window.sent - 2 * 10);
  });

  it('matches every echoed frame to the frame it echoes and passes a clean echo', async () => {
    const url = await echoServer();
    // Matching is under test here, not speed: a loaded test machine must not fail it on latency.
    const r = await runLoad({ url, calls: 5, rampPerSecond: 50, settleMs: 100, windowMs: 600, graceMs: 200, hangup: 'close', maxP99Ms: 2000 });
    expect(r.calls).toMatchObject({ requested: 5, established: 5, failed: 0 });
    expect(r.window.sent).toBeGreaterThan(5 * 20);
    expect(r.window.echoed).toBe(r.window.sent);
    expect(r.window.lost).toBe(0);
    expect(r.window.undecodable).toBe(0);
    expect(r.handshake.openToFirstEchoMs.count).toBe(5);
    expect(r.closeCodes).toEqual({ '1000': 5 });
    expect(r.pass).toBe(true);
    expect(r.origin).toBe(new URL(url).origin);
  });

  it('counts frames that never come back as lost and fails the run', async () => {
    const url = await echoServer(7);
    const r = await runLoad({ url, calls: 2, rampPerSecond: 50, settleMs: 100, windowMs: 600, graceMs: 200, hangup: 'close', probeMs: 0 });
    expect(r.window.lost).toBeGreaterThan(0);
    expect(r.window.echoed + r.window.lost).toBe(r.window.sent);
    expect(r.pass).toBe(false);
    expect(r.verdict.join(' ')).toContain('lost');
  });

  it('reports calls that cannot connect', async () => {
    const r = await runLoad({ url: 'ws://127.0.0.1:1/agent', calls: 2, rampPerSecond: 50, settleMs: 0, windowMs: 100, graceMs: 0, handshakeTimeoutMs: 1000 });
    expect(r.calls).toMatchObject({ established: 0, failed: 2, failures: { 'connect failed': 2 } });
    expect(r.pass).toBe(false);
  });
});
