import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRODUCT_VERSION, serviceRoot } from './root.ts';

let server: http.Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(serviceRoot('embedded'));
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('serviceRoot', () => {
  it('GET / names the product, the service, its version and the paths to use, as JSON', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await res.json();
    expect(body).toMatchObject({ product: 'VR3 Agent Stream', service: 'embedded', version: PRODUCT_VERSION, links: { api: '/api/v1', health: '/healthz', ready: '/readyz' } });
    expect(PRODUCT_VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('routes mounted before it still answer', async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
  });

  it.each([
    ['GET', '/nope'],
    ['GET', '/api'],
    ['POST', '/'],
    ['DELETE', '/anything/else?x=1'],
  ])('%s %s is a JSON 404, not an HTML page', async (method, path) => {
    const res = await fetch(`${base}${path}`, { method });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'no such route' } });
  });
});
