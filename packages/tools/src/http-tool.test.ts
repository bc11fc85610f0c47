import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callHttpTool } from './http-tool.ts';
import { HttpToolSchema, type HttpTool } from './spec.ts';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
const seen: Seen[] = [];
let base = '';
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
    const path = (req.url ?? '').split('?')[0];
    if (path === '/order') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'shipped', eta_days: 2 }));
    if (path === '/text') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('plain answer');
    if (path === '/broken') return void res.writeHead(500).end('database down');
    if (path === '/huge') return void res.writeHead(200).end('x'.repeat(200_000));
    if (path === '/slow') return void setTimeout(() => res.writeHead(200).end('{}'), 2_000);
    res.writeHead(404).end();
  });
});
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const tool = (over: Partial<HttpTool>): HttpTool =>
  HttpToolSchema.parse({ type: 'http', description: 'd', parameters: { type: 'object' }, url: `${base}/order`, ...over });
const call = (t: HttpTool, args: string, signal = new AbortController().signal) => callHttpTool(t, args, { addressPolicy: 'any', signal });

describe('callHttpTool', () => {
  it('POSTs the arguments as JSON with the secret headers and hands the JSON answer back', async () => {
    seen.length = 0;
    const out = await call(tool({ headers: { Authorization: 'Bearer s3cret' } }), '{"order_id":"A-1"}');
    expect(out).toMatchObject({ arguments: { order_id: 'A-1' }, result: { status: 'shipped', eta_days: 2 }, status: 200 });
    expect(JSON.parse(out.content)).toEqual({ status: 'shipped', eta_days: 2 });
    expect(seen[0]).toMatchObject({ method: 'POST', body: '{"order_id":"A-1"}' });
    expect(seen[0]!.headers.authorization).toBe('Bearer s3cret');
    expect(seen[0]!.headers['content-type']).toBe('application/json');
  });

  it('sends GET arguments as query parameters and takes a text answer as is', async () => {
    seen.length = 0;
    const out = await call(tool({ url: `${base}/text?fixed=1`, method: 'GET' }), '{"q":"a b","n":3,"f":{"x":1}}');
    expect(out.result).toBe('plain answer');
    expect(out.content).toBe('plain answer');
    const url = new URL(seen[0]!.url, base);
    expect(Object.fromEntries(url.searchParams)).toEqual({ fixed: '1', q: 'a b', n: '3', f: '{"x":1}' });
    expect(seen[0]!.body).toBe('');
  });

  it.each([
    ['arguments that are not JSON', {}, '{oops', 'invalid_arguments'],
    ['arguments that are not an object', {}, '[1]', 'invalid_arguments'],
    ['an HTTP error', { url: 'PATH/broken' }, '{}', 'http_500'],
    ['an answer over the size cap', { url: 'PATH/huge' }, '{}', 'too_large'],
    ['a tool slower than its timeout', { url: 'PATH/slow', timeout_ms: 200 }, '{}', 'timeout'],
  ])('reports %s to the model instead of throwing', async (_what, over, args, error) => {
    const t = tool({ ...over, ...('url' in over ? { url: (over as { url: string }).url.replace('PATH', base) } : {}) });
    const started = Date.now();
    const out = await call(t, args);
    expect(out.error).toBe(error);
    expect(JSON.parse(out.content)).toHaveProperty('error');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('keeps the HTTP error body short for the model', async () => {
    const out = await call(tool({ url: `${base}/broken` }), '{}');
    expect(JSON.parse(out.content)).toEqual({ error: 'the tool answered HTTP 500', status: 500, body: 'database down' });
  });

  it('stops when the call ends', async () => {
    const ended = new AbortController();
    const pending = call(tool({ url: `${base}/slow` }), '{}', ended.signal);
    setTimeout(() => ended.abort(), 50);
    expect((await pending).error).toBe('aborted');
  });

  it('refuses a loopback or plain-http URL under the public address policy, without connecting', async () => {
    seen.length = 0;
    const out = await callHttpTool(tool({}), '{}', { addressPolicy: 'public', signal: new AbortController().signal });
    expect(out.error).toBe('address_not_allowed');
    const https = await callHttpTool(tool({ url: 'https://127.0.0.1:1/x' }), '{}', { addressPolicy: 'public', signal: new AbortController().signal });
    expect(https.error).toBe('address_not_allowed');
    expect(seen).toHaveLength(0);
  });
});
