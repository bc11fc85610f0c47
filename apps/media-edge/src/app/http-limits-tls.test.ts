import fs from 'node:fs';
import type http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { writeSelfSignedCertificate, type SelfSignedCertificate } from '@vr3/env/testing';
import { createLimitedHttpServer, DEFAULT_HTTP_LIMITS } from './http-limits.ts';

let dir: string;
let server: http.Server | undefined;
const clients: Array<{ close(): void }> = [];
const logged: Array<{ level: string; msg: string; obj: object }> = [];
const logger = {
  info: (obj: object, msg: string) => logged.push({ level: 'info', msg, obj }),
  error: (obj: object, msg: string) => logged.push({ level: 'error', msg, obj }),
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vr3-edge-tls-'));
  logged.length = 0;
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Puts `cert`'s pair at `server.crt`/`server.key` by renaming new files over the old (as renewals do). */
function install(cert: SelfSignedCertificate): { certFile: string; keyFile: string } {
  const files = { certFile: path.join(dir, 'server.crt'), keyFile: path.join(dir, 'server.key') };
  for (const [from, to] of [
    [cert.certFile, files.certFile],
    [cert.keyFile, files.keyFile],
  ] as const) {
    fs.copyFileSync(from, `${to}.new`);
    fs.renameSync(`${to}.new`, to);
  }
  return files;
}

/** A TLS server under the default limits (headers timeout lowered) echoing WebSocket messages. */
async function start(files: { certFile: string; keyFile: string }, headersTimeoutMs = 10_000): Promise<number> {
  server = createLimitedHttpServer({ ...DEFAULT_HTTP_LIMITS, headersTimeoutMs, requestTimeoutMs: Math.max(headersTimeoutMs, 1_000) }, (_req, res) => res.end('ok'), { files, logger });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (data) => ws.send(data)));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** GET / over https trusting `ca`: the body and the fingerprint of the certificate served. */
function get(port: number, ca: Buffer[]): Promise<{ body: string; fingerprint256: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port, path: '/', ca, servername: 'localhost', agent: false }, (res) => {
      const fingerprint256 = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ body, fingerprint256 }));
    });
    req.on('error', reject);
  });
}

/** A wss connection trusting `ca`, open, with the fingerprint of the certificate served. */
async function openWss(port: number, ca: Buffer[]): Promise<{ ws: WebSocket; fingerprint256: string }> {
  const ws = new WebSocket(`wss://localhost:${port}/api/v1/agent-stream/x`, { ca });
  clients.push(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const socket = (ws as unknown as { _socket: TLSSocket })._socket;
  return { ws, fingerprint256: socket.getPeerCertificate().fingerprint256 };
}

const echo = (ws: WebSocket, text: string): Promise<string> =>
  new Promise((resolve) => {
    ws.once('message', (data: Buffer) => resolve(data.toString('utf8')));
    ws.send(text);
  });

const until = async (check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

describe('createLimitedHttpServer with TLS', () => {
  it('serves https and wss with the configured certificate and logs its fingerprint', async () => {
    const a = writeSelfSignedCertificate(dir, 'a');
    const port = await start(install(a));
    expect(await get(port, [a.cert])).toEqual({ body: 'ok', fingerprint256: a.fingerprint256 });
    const { ws, fingerprint256 } = await openWss(port, [a.cert]);
    expect(fingerprint256).toBe(a.fingerprint256);
    expect(await echo(ws, 'hello')).toBe('hello');
    expect(logged).toContainEqual({ level: 'info', msg: 'tls certificate loaded', obj: { tls_fingerprint256: a.fingerprint256, tls_valid_to: expect.any(String) as string } });
    // An untrusted certificate is refused by a client that checks it (the server does present TLS).
    await expect(get(port, [writeSelfSignedCertificate(dir, 'other').cert])).rejects.toThrow(/self[- ]signed|unable to verify/i);
  });

  it('closes a connection that never completes its TLS handshake after the headers timeout', async () => {
    const a = writeSelfSignedCertificate(dir, 'a');
    const port = await start(install(a), 400);
    const socket = net.connect(port, '127.0.0.1');
    clients.push({ close: () => socket.destroy() });
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const at = performance.now();
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const afterMs = performance.now() - at;
    expect(afterMs).toBeGreaterThanOrEqual(350);
    expect(afterMs).toBeLessThan(2_000);
  });

  it('serves a replaced certificate to new connections (file change, then SIGHUP) while open streams go on; a bad pair keeps the one in use', async () => {
    const a = writeSelfSignedCertificate(dir, 'a');
    const b = writeSelfSignedCertificate(dir, 'b');
    const c = writeSelfSignedCertificate(dir, 'c');
    const ca = [a.cert, b.cert, c.cert];
    const files = install(a);
    const port = await start(files);
    const first = await openWss(port, ca);
    expect(first.fingerprint256).toBe(a.fingerprint256);

    // Renewal by file change.
    install(b);
    await until(async () => (await get(port, ca)).fingerprint256 === b.fingerprint256);
    expect((await openWss(port, ca)).fingerprint256).toBe(b.fingerprint256);
    expect(await echo(first.ws, 'still here')).toBe('still here');
    expect(logged.filter((l) => l.msg === 'tls certificate reloaded').map((l) => l.obj)).toEqual([{ tls_fingerprint256: b.fingerprint256, tls_valid_to: expect.any(String) as string }]);

    // A broken certificate file: logged, and the certificate in use stays.
    fs.writeFileSync(files.certFile, '-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n');
    await until(() => Promise.resolve(logged.some((l) => l.level === 'error')));
    expect(logged.find((l) => l.level === 'error')?.msg).toBe('tls certificate not reloaded: the one in use stays');
    expect((await get(port, ca)).fingerprint256).toBe(b.fingerprint256);

    // A real SIGHUP to this process: the server reloads (and the process, which would otherwise
    // die of it, lives on).
    install(c);
    process.kill(process.pid, 'SIGHUP');
    await until(async () => (await get(port, ca)).fingerprint256 === c.fingerprint256);
    expect(await echo(first.ws, 'after reloads')).toBe('after reloads');
  });

  it('stops listening for SIGHUP once the server is closed', async () => {
    const before = process.listenerCount('SIGHUP');
    const a = writeSelfSignedCertificate(dir, 'a');
    await start(install(a));
    expect(process.listenerCount('SIGHUP')).toBe(before + 1);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    expect(process.listenerCount('SIGHUP')).toBe(before);
  });
});
