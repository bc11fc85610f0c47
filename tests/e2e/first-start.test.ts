import fs from 'node:fs';
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { ProductProcess, eventually, makeDataDir } from '../harness/product.ts';

const KEY = /\b(vr3_[A-Za-z0-9_-]{32})\b/;
const started: ProductProcess[] = [];
const dataDirs: string[] = [];
let blocker: net.Server | undefined;

afterAll(async () => {
  for (const p of started) await p.stop();
  await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('first start', () => {
  it('a first start that fails (port taken) swallows no admin key: the next start prints one that works', async () => {
    blocker = net.createServer();
    const port = await new Promise<number>((resolve) => blocker!.listen(0, '127.0.0.1', () => resolve((blocker!.address() as net.AddressInfo).port)));
    const dataDir = makeDataDir();
    dataDirs.push(dataDir);

    // The database is created and migrated, then listening fails.
    const failed = await ProductProcess.start({ dataDir, apiKey: null, env: { PORT: String(port) } }).then(
      () => undefined,
      (err: Error) => err.message,
    );
    expect(failed).toMatch(/exited with 1 before listening/);
    expect(failed).toContain('EADDRINUSE');
    expect(failed).not.toMatch(KEY);
    expect(fs.existsSync(`${dataDir}/postgres/PG_VERSION`)).toBe(true);

    // A normal start on the same data dir prints an admin key, and it works.
    const product = await ProductProcess.start({ dataDir, apiKey: null });
    started.push(product);
    const key = await eventually(async () => product.log().match(KEY)?.[1]);
    expect(product.log()).toContain('VR3 admin API key (shown once, store it now)');
    const me = await product.api('GET', '/me', undefined, key);
    expect(me).toMatchObject({ status: 200, body: { role: 'admin' } });
    // The only key: nothing from the failed start is left behind.
    const keys = await product.api('GET', '/api-keys', undefined, key);
    expect(keys.body.data.map((k: { id: string }) => k.id)).toEqual([me.body.api_key_id]);

    // Shown once: a later start prints none, and the key still works.
    expect(await product.stop()).toBe(0);
    const again = await ProductProcess.start({ dataDir, apiKey: null });
    started.push(again);
    expect(again.log()).not.toMatch(KEY);
    expect((await again.api('GET', '/me', undefined, key)).status).toBe(200);
  });
});
