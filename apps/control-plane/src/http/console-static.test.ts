import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_SECURITY_HEADERS } from './console-static.ts';
import { serviceRoot, type ServiceName, type ServiceRootOptions } from './root.ts';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const servers: http.Server[] = [];
let dir: string;

async function serve(service: ServiceName, options: ServiceRootOptions): Promise<string> {
  const app = express();
  app.use(serviceRoot(service, options));
  const server = http.createServer(app);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vr3-console-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/app-abc123.js"></script>');
  fs.writeFileSync(path.join(dir, 'assets', 'app-abc123.js'), 'console.log(1);');
});
afterAll(async () => {
  for (const server of servers) await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the console at /', () => {
  it('a browser gets the page, never cached, with the Content-Security-Policy and the other security headers', async () => {
    const base = await serve('embedded', { consoleDir: dir });
    const res = await fetch(`${base}/`, { headers: { accept: BROWSER_ACCEPT } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('vary')).toMatch(/Accept/);
    for (const [name, value] of Object.entries(CONSOLE_SECURITY_HEADERS)) expect(res.headers.get(name)).toBe(value);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
    expect(await res.text()).toContain('/assets/app-abc123.js');
  });

  it('machines (no Accept, */*, application/json) still get the JSON service description', async () => {
    const base = await serve('control-plane', { consoleDir: dir });
    for (const accept of [undefined, '*/*', 'application/json']) {
      const res = await fetch(`${base}/`, accept ? { headers: { accept } } : {});
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toMatchObject({ product: 'VR3 Agent Stream', service: 'control-plane' });
    }
  });

  it('hashed assets are immutable for a year; a missing one is the JSON 404', async () => {
    const base = await serve('embedded', { consoleDir: dir });
    const asset = await fetch(`${base}/assets/app-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
    const missing = await fetch(`${base}/assets/nope.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'not_found', message: 'no such route' } });
    expect((await fetch(`${base}/assets/../index.html`)).status).toBe(404);
  });

  it('without a built console (or on the media-edge) a browser gets the JSON too', async () => {
    for (const base of [await serve('embedded', { consoleDir: path.join(dir, 'absent') }), await serve('embedded', { consoleDir: null }), await serve('media-edge', { consoleDir: dir })]) {
      const res = await fetch(`${base}/`, { headers: { accept: BROWSER_ACCEPT } });
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('content-security-policy')).toBeNull();
      expect((await fetch(`${base}/assets/app-abc123.js`)).status).toBe(404);
    }
  });
});
