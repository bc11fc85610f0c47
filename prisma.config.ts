// Prisma CLI configuration: the JavaScript (WASM) schema engine over @prisma/adapter-pg, so every
// `prisma` command (generate, migrate deploy/status/dev, diff) runs without a native engine download.
// DATABASE_URL must be set whenever the CLI runs (scripts/prisma-generate.mjs sets a placeholder).
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { defineConfig } from 'prisma/config';

// Without DATABASE_URL the CLI never calls `adapter()` below and falls back to downloading a native
// engine (an opaque network error offline): say what is missing instead.
if (!process.env['DATABASE_URL']) {
  process.stderr.write('DATABASE_URL must be set to run the Prisma CLI (npm run db:migrate: the PostgreSQL database to migrate)\n');
  process.exit(2);
}

// Prisma 6.19's WASM schema engine arms 10 s / 60 s timers it never clears, keeping every CLI
// command alive long after it finished. Long timers must not hold the process open.
const LONG_TIMER_MS = 5_000;
const nativeSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = ((handler: () => void, ms?: number, ...args: unknown[]) => {
  const timer = nativeSetTimeout(handler, ms, ...args);
  if ((ms ?? 0) >= LONG_TIMER_MS) timer.unref();
  return timer;
}) as typeof globalThis.setTimeout;
const nativeSetInterval = globalThis.setInterval;
globalThis.setInterval = ((handler: () => void, ms?: number, ...args: unknown[]) => {
  const timer = nativeSetInterval(handler, ms, ...args);
  if ((ms ?? 0) >= LONG_TIMER_MS) timer.unref();
  return timer;
}) as typeof globalThis.setInterval;

// adapter-pg 6.19 rejects catalog column types the migrate engine reads (prisma/orm#27403):
// char, name, int2vector, regproc, oidvector, pg_node_tree, aclitem, regclass, regtype → text,
// char[] / name[] → text[].
const TEXT_OID = 25;
const TEXT_ARRAY_OID = 1009;
const AS_TEXT = new Set([18, 19, 22, 24, 30, 194, 1033, 2205, 2206]);
const AS_TEXT_ARRAY = new Set([1002, 1003]);
const parseTextArray = pg.types.getTypeParser(TEXT_ARRAY_OID, 'text') as (value: string) => string[];

interface RawResult {
  fields?: { dataTypeID: number }[];
  rows?: unknown[][] | Record<string, unknown>[];
}

function remapResult(result: unknown): unknown {
  if (Array.isArray(result)) return result.map(remapResult);
  const res = result as RawResult | undefined;
  if (!res?.fields || !res.rows) return result;
  res.fields.forEach((field, index) => {
    if (AS_TEXT.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
    else if (AS_TEXT_ARRAY.has(field.dataTypeID)) {
      field.dataTypeID = TEXT_ARRAY_OID;
      for (const row of res.rows as unknown[][]) {
        if (Array.isArray(row) && typeof row[index] === 'string') row[index] = parseTextArray(row[index]);
      }
    }
  });
  return result;
}

class CatalogTolerantClient extends pg.Client {
  override query(...args: unknown[]): never {
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      const callback = last as (err: unknown, res: unknown) => void;
      args[args.length - 1] = (err: unknown, res: unknown) => callback(err, err ? res : remapResult(res));
    }
    const out = (super.query as (...a: unknown[]) => unknown)(...args);
    if (typeof last !== 'function' && out instanceof Promise) return out.then(remapResult) as never;
    return out as never;
  }
}

// adapter-pg derives the shadow database as `{ ...config, database }`, which a `connectionString`
// silently overrides (the shadow would be the main database). Pass discrete fields instead.
function poolConfig(databaseUrl: string): pg.PoolConfig {
  const url = new URL(databaseUrl);
  const config: pg.PoolConfig = {
    host: decodeURIComponent(url.hostname),
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.slice(1)),
    Client: CatalogTolerantClient,
    // The CLI must exit as soon as the engine is done, not after the pool's idle timeout.
    allowExitOnIdle: true,
  };
  const host = url.searchParams.get('host');
  if (host) config.host = host;
  const sslmode = url.searchParams.get('sslmode');
  if (sslmode && sslmode !== 'disable') config.ssl = { rejectUnauthorized: sslmode === 'verify-full' };
  return config;
}

type Adapter = Awaited<ReturnType<PrismaPg['connect']>>;

// adapter-pg 6.19 runs a migration script by splitting it on every `;`, inside comments, strings and
// dollar-quoted function bodies too, so a migration with a PL/pgSQL function breaks. Send the script
// whole instead, as one simple query (one implicit transaction), as psql and the product's own
// migrator (apps/control-plane/src/db/migrate.ts) do.
function wholeScripts(adapter: Adapter): Adapter {
  const inner = adapter as unknown as { client: { query(text: string): Promise<unknown> }; onError(error: unknown): never };
  adapter.executeScript = async (script: string) => {
    try {
      await inner.client.query(script);
    } catch (error) {
      inner.onError(error);
    }
  };
  return adapter;
}

// adapter-pg 6.19 drops the shadow database while its own pool still holds a connection to it, so
// `migrate dev` fails. Create and drop it here: dispose the shadow pool first, then DROP … WITH (FORCE).
class ShadowSafePg extends PrismaPg {
  constructor(private readonly poolOptions: pg.PoolConfig) {
    super(poolOptions);
  }

  override async connect(): Promise<Adapter> {
    return wholeScripts(await super.connect());
  }

  override async connectToShadowDb(): ReturnType<PrismaPg['connectToShadowDb']> {
    const main = await this.connect();
    const database = `prisma_shadow_${randomUUID().replaceAll('-', '')}`;
    await main.executeScript(`CREATE DATABASE "${database}"`);
    const shadow = wholeScripts(await new PrismaPg({ ...this.poolOptions, database }).connect());
    const disposeShadow = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      try {
        await disposeShadow();
        await main.executeScript(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      } finally {
        await main.dispose();
      }
    };
    return shadow;
  }
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  async adapter() {
    const databaseUrl = process.env['DATABASE_URL'];
    if (!databaseUrl) throw new Error('DATABASE_URL must be set to run the Prisma CLI');
    return new ShadowSafePg(poolConfig(databaseUrl));
  },
});
