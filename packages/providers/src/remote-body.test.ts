import { createServer, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteBodyError } from './errors.ts';
import { readRemoteBody } from './remote-body.ts';

const CHUNK = Buffer.alloc(64 * 1024, 'x');

/** A real server: `/endless` streams forever, `/stall` sends 3 bytes then nothing, `/small` 5 bytes. */
let server: Server;
let base: string;
const closed: string[] = [];
beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    res.on('close', () => closed.push(req.url ?? ''));
    if (req.url === '/small') return void res.end('hello');
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    if (req.url === '/stall') return void res.write('abc');
    const pump = (): void => {
      while (!res.destroyed && res.write(CHUNK));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const nodeGet = (path: string): Promise<IncomingMessage> =>
  new Promise((resolve, reject) => get(`${base}${path}`, { agent: false }, resolve).on('error', reject));

async function failure(p: Promise<unknown>): Promise<RemoteBodyError> {
  const err = await p.then(() => expect.unreachable('expected a rejection'), (e: unknown) => e);
  expect(err).toBeInstanceOf(RemoteBodyError);
  return err as RemoteBodyError;
}

async function waitFor(check: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('readRemoteBody', () => {
  it('reads a body within the cap, from a Node stream, a web stream and null', async () => {
    expect((await readRemoteBody(await nodeGet('/small'), { maxBytes: 5 })).toString()).toBe('hello');
    expect((await readRemoteBody((await fetch(`${base}/small`)).body, { maxBytes: 1024 })).toString()).toBe('hello');
    expect((await readRemoteBody(Readable.from([Buffer.from('a'), Buffer.from('bc')]), { maxBytes: 3 })).toString()).toBe('abc');
    expect(await readRemoteBody(null, { maxBytes: 0 })).toHaveLength(0);
  });

  it('fails body_too_large one byte past the cap', async () => {
    expect(await failure(readRemoteBody(Readable.from([Buffer.from('abcd')]), { maxBytes: 3 }))).toMatchObject({ code: 'body_too_large', retryable: false });
    expect(await failure(readRemoteBody(await nodeGet('/small'), { maxBytes: 4 }))).toMatchObject({ code: 'body_too_large' });
  });

  it.each(['node', 'fetch'] as const)('stops an endless %s body at the cap and drops the connection', async (kind) => {
    const before = closed.filter((u) => u === '/endless').length;
    const body = kind === 'node' ? await nodeGet('/endless') : (await fetch(`${base}/endless`)).body;
    const started = performance.now();
    expect(await failure(readRemoteBody(body, { maxBytes: 256 * 1024, timeoutMs: 5000 }))).toMatchObject({ code: 'body_too_large' });
    expect(performance.now() - started).toBeLessThan(1000);
    await waitFor(() => closed.filter((u) => u === '/endless').length > before);
  });

  it('fails body_timeout at the deadline while the body trickles, and drops the connection', async () => {
    const before = closed.filter((u) => u === '/stall').length;
    const started = performance.now();
    const e = await failure(readRemoteBody(await nodeGet('/stall'), { maxBytes: 1024, timeoutMs: 150 }));
    expect(e).toMatchObject({ code: 'body_timeout', retryable: true });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(performance.now() - started).toBeLessThan(1000);
    await waitFor(() => closed.filter((u) => u === '/stall').length > before);
  });

  it('fails body_aborted when the signal fires (and at once when already aborted)', async () => {
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(new Error('shutdown')), 50);
    const e = await failure(readRemoteBody((await fetch(`${base}/stall`)).body, { maxBytes: 1024, signal: ctrl.signal }));
    expect(e.code).toBe('body_aborted');
    expect((e.cause as Error).message).toBe('shutdown');
    expect((await failure(readRemoteBody(Readable.from(['x']), { maxBytes: 10, signal: AbortSignal.abort() }))).code).toBe('body_aborted');
  });

  it('fails body_failed when the stream errors', async () => {
    const broken = new Readable({ read() { this.destroy(new Error('reset')); } });
    const e = await failure(readRemoteBody(broken, { maxBytes: 10 }));
    expect(e).toMatchObject({ code: 'body_failed', retryable: true });
    expect((e.cause as Error).message).toBe('reset');
  });
});
