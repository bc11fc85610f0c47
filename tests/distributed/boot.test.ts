import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres, startTestRedis, type TestPostgres, type TestRedis } from '@vr3/control-plane/testing';
import { startNatsServer, type TestNatsServer } from '@vr3/nats-bus/testing';
import { ServiceProcess } from '../harness/distributed.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MIGRATIONS = fs
  .readdirSync(path.join(ROOT, 'prisma/migrations'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

let db: TestPostgres;
let nats: TestNatsServer;
let redis: TestRedis;

beforeAll(async () => {
  [db, nats, redis] = await Promise.all([startTestPostgres(), startNatsServer(), startTestRedis()]);
});

afterAll(async () => {
  await Promise.allSettled([db?.stop(), nats?.stop(), redis?.stop()]);
});

const cpEnv = (): Record<string, string> => ({
  DATABASE_URL: db.urlFor('postgres'),
  NATS_URL: nats.url,
  REDIS_URL: redis.url,
  VR3_SECRET_KEY: randomBytes(32).toString('hex'),
  PORT: '0',
  HOST: '127.0.0.1',
});

/** Starts an app that must refuse to start; resolves with its exit code and output. */
async function refusal(kind: 'control-plane' | 'media-edge', env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const p = ServiceProcess.spawn(kind, kind, env);
  const code = await p.exited;
  return { code, output: p.log() };
}

describe('start-up configuration', () => {
  it('a control-plane refuses to start with a message naming the missing or bad variable', async () => {
    const cases: Array<[Record<string, string | undefined>, string]> = [
      [{ DATABASE_URL: undefined }, 'DATABASE_URL'],
      [{ NATS_URL: undefined }, 'NATS_URL'],
      [{ REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL'],
      [{ VR3_SECRET_KEY: 'too-short' }, 'VR3_SECRET_KEY'],
      [{ VR3_EDGE_LOST_AFTER_MS: 'soon' }, 'VR3_EDGE_LOST_AFTER_MS'],
    ];
    const results = await Promise.all(
      cases.map(([overrides]) => {
        const env = cpEnv();
        for (const [k, v] of Object.entries(overrides)) {
          if (v === undefined) delete env[k];
          else env[k] = v;
        }
        return refusal('control-plane', env);
      }),
    );
    results.forEach((r, i) => {
      expect(r.code).toBe(2);
      expect(r.output).toMatch(new RegExp(`vr3-control-plane: invalid environment: .*${cases[i]![1]}`));
    });
  });

  it('a media-edge refuses to start without NATS_URL or with a bad setting, and needs no database', async () => {
    const [noNats, badDrain] = await Promise.all([
      refusal('media-edge', { PORT: '0', DATABASE_URL: 'postgresql://x@127.0.0.1:1/x' }),
      refusal('media-edge', { NATS_URL: nats.url, VR3_DRAIN_TIMEOUT_MS: '-5' }),
    ]);
    expect(noNats.code).toBe(2);
    expect(noNats.output).toContain('vr3-media-edge: invalid environment: NATS_URL');
    expect(badDrain.code).toBe(2);
    expect(badDrain.output).toContain('VR3_DRAIN_TIMEOUT_MS');

    // No database client anywhere in the media-edge's dependency graph.
    const seen = new Set<string>();
    const visit = (dir: string): void => {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      for (const dep of Object.keys(pkg.dependencies ?? {})) {
        if (seen.has(dep)) continue;
        seen.add(dep);
        if (dep.startsWith('@vr3/')) visit(path.dirname(fs.realpathSync(path.join(ROOT, 'node_modules', dep, 'package.json'))));
      }
    };
    visit(path.join(ROOT, 'apps/media-edge'));
    expect(seen.has('@vr3/nats-bus')).toBe(true);
    for (const forbidden of ['@prisma/client', '@prisma/adapter-pg', 'pg', 'prisma', '@vr3/control-plane', 'ioredis', 'bullmq']) {
      expect(seen.has(forbidden), forbidden).toBe(false);
    }
  });
});

describe('migrations', () => {
  it('`npm run db:migrate` applies the migrations to DATABASE_URL offline, and the control-plane agrees on start', async () => {
    const url = await db.createDatabase({ migrate: false });
    const res = spawnSync('npm', ['run', '--silent', 'db:migrate'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8', timeout: 120_000 });
    expect(res.status, res.stdout + res.stderr).toBe(0);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const rows = await client.query<{ migration_name: string }>('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name');
      expect(rows.rows.map((r) => r.migration_name)).toEqual(MIGRATIONS);
      const tables = await client.query<{ t: string }>(`SELECT to_regclass('job_outbox')::text AS t UNION ALL SELECT to_regclass('media_edges')::text`);
      expect(tables.rows.map((r) => r.t)).toEqual(['job_outbox', 'media_edges']);
    } finally {
      await client.end();
    }
    const cp = await ServiceProcess.start('control-plane', 'cp-migrate', { ...cpEnv(), DATABASE_URL: url, VR3_MIGRATE_ON_START: 'true' });
    try {
      expect(cp.logLines('database migrated')[0]).toMatchObject({ applied: [] });
      expect((await fetch(`${cp.baseUrl}/readyz`)).status).toBe(200);
    } finally {
      expect(await cp.stop()).toBe(0);
    }
  });
});

describe('first start', () => {
  const KEY = /\b(vr3_[A-Za-z0-9_-]{32})\b/;
  const countKeys = async (url: string): Promise<number> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM api_keys')).rows[0]!.n;
    } finally {
      await client.end();
    }
  };

  it('a first start that fails (port taken) stores no admin key: the next start prints one that works', async () => {
    const blocker = net.createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)));
    const env = { ...cpEnv(), DATABASE_URL: await db.createDatabase() };
    try {
      // Database, NATS and Redis are reached, then listening fails.
      const failed = ServiceProcess.spawn('control-plane', 'cp-first-failed', { ...env, PORT: String(port) });
      expect(await failed.exited).toBe(1);
      expect(failed.log()).toContain('EADDRINUSE');
      expect(failed.log()).not.toMatch(KEY);
      expect(await countKeys(env.DATABASE_URL)).toBe(0);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }

    // A normal start on the same database prints an admin key, and it is the one that works.
    const cp = await ServiceProcess.start('control-plane', 'cp-first', env);
    try {
      const key = cp.log().match(KEY)?.[1];
      expect(cp.log()).toContain('VR3 admin API key (shown once, store it now)');
      const me = await fetch(`${cp.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${key}` } });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ role: 'admin' });
      expect(await countKeys(env.DATABASE_URL)).toBe(1);
    } finally {
      expect(await cp.stop()).toBe(0);
    }

    // Shown once: a later start prints none.
    const again = await ServiceProcess.start('control-plane', 'cp-first-again', env);
    try {
      expect(again.log()).not.toMatch(KEY);
    } finally {
      expect(await again.stop()).toBe(0);
    }
  });
});
