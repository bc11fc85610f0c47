import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { forwardToSocket } from './api-proxy.ts';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const listen = async (server: http.Server, at: string | number): Promise<void> => {
  await new Promise<void>((resolve) => server.listen(at, resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
};

/** The front server forwarding `/api/v1` to `socketPath`; returns its base URL. */
async function front(socketPath: string): Promise<string> {
  const app = express();
  app.use('/api/v1', forwardToSocket(socketPath, pino({ level: 'silent' })));
  const server = http.createServer(app);
  await listen(server, 0);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function socketIn(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vr3-proxy-'));
  closers.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'api.sock');
}

describe('forwardToSocket', () => {
  it('forwards method, full path, headers and body, and streams the answer back with its status', async () => {
    const socketPath = socketIn();
    const backend = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json', 'x-request-id': 'r1', connection: 'close' });
        res.end(JSON.stringify({ method: req.method, url: req.url, auth: req.headers.authorization, body: Buffer.concat(chunks).toString() }));
      });
    });
    await listen(backend, socketPath);
    const base = await front(socketPath);
    const res = await fetch(`${base}/api/v1/agents?limit=2`, { method: 'POST', headers: { authorization: 'Bearer k', 'content-type': 'application/json' }, body: '{"name":"a"}' });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe('r1');
    expect(await res.json()).toEqual({ method: 'POST', url: '/api/v1/agents?limit=2', auth: 'Bearer k', body: '{"name":"a"}' });
  });

  it('answers 503 control_plane_unavailable when nothing listens on the socket', async () => {
    const base = await front(socketIn());
    const res = await fetch(`${base}/api/v1/agents`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'control_plane_unavailable' } });
  });
});
