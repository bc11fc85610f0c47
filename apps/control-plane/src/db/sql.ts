import pg from 'pg';

/**
 * Plain SQL on the control-plane's connection pool, for the paths every call takes (admission,
 * `RunStart`, finalize): a `pg` query costs a fraction of the CPU of a Prisma query, and those paths
 * run hundreds of times a second in a burst. Everything else uses Prisma.
 */

/** A statement and its parameters, built by {@link sql}. */
export interface SqlStatement {
  readonly text: string;
  readonly values: readonly unknown[];
}

const STATEMENT = Symbol('sql statement');
type Fragment = SqlStatement & { readonly [STATEMENT]: true };

function isFragment(value: unknown): value is Fragment {
  return typeof value === 'object' && value !== null && (value as { [STATEMENT]?: true })[STATEMENT] === true;
}

/**
 * `sql\`SELECT … WHERE "id" = ${id}\`` → `$n` placeholders and their values. A value that is itself
 * an `sql` fragment is spliced in (its placeholders renumbered). `Date` values are sent as ISO 8601
 * UTC text, so `::timestamp(3)` reads the UTC wall time the columns hold whatever the session's zone.
 */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): SqlStatement {
  let text = strings[0] ?? '';
  const params: unknown[] = [];
  values.forEach((value, i) => {
    if (isFragment(value)) {
      text += value.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + params.length}`);
      params.push(...value.values);
    } else {
      params.push(value instanceof Date ? value.toISOString() : value);
      text += `$${params.length}`;
    }
    text += strings[i + 1] ?? '';
  });
  return { text, values: params, [STATEMENT]: true } as Fragment;
}

/** Something that runs statements: the pool, or one client inside a transaction. */
export type SqlRunner = Pick<pg.Pool, 'query'> | pg.PoolClient;

/** Runs `statement`, returning its rows. */
export async function query<T extends object>(runner: SqlRunner, statement: SqlStatement): Promise<T[]> {
  const result = await runner.query<T & pg.QueryResultRow>(statement.text, statement.values as unknown[]);
  return result.rows;
}

/** Runs `statement`, returning how many rows it changed. */
export async function execute(runner: SqlRunner, statement: SqlStatement): Promise<number> {
  const result = await runner.query(statement.text, statement.values as unknown[]);
  return result.rowCount ?? 0;
}

/** A transaction's connection did not come from the pool within its `maxWaitMs`. */
export class ConnectionWaitError extends Error {
  readonly code = 'connection_wait';
  constructor(maxWaitMs: number) {
    super(`no database connection within ${maxWaitMs} ms`);
  }
}

/** A pooled connection, or {@link ConnectionWaitError} once `maxWaitMs` passed; a connection that comes later is released unused. */
async function connectWithin(pool: pg.Pool, maxWaitMs: number | undefined): Promise<pg.PoolClient> {
  if (maxWaitMs === undefined) return pool.connect();
  let timer: NodeJS.Timeout | undefined;
  let expired = false;
  const connecting = pool.connect();
  const waited = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      expired = true;
      reject(new ConnectionWaitError(maxWaitMs));
    }, maxWaitMs);
  });
  void connecting.then(
    (client) => expired && client.release(),
    () => undefined,
  );
  try {
    return await Promise.race([connecting, waited]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `work` in one transaction on one pooled connection: committed when it resolves, rolled back
 * when it throws. With `maxWaitMs`, fails with {@link ConnectionWaitError} when no connection is
 * free that soon, instead of queueing behind the pool.
 */
export async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, options: { maxWaitMs?: number } = {}): Promise<T> {
  return withConnection(
    pool,
    async (client) => {
      await client.query('BEGIN');
      try {
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    },
    options,
  );
}

/**
 * Runs `work` on one pooled connection (autocommit), released after. With `maxWaitMs`, fails with
 * {@link ConnectionWaitError} when no connection is free that soon, instead of queueing behind the pool.
 */
export async function withConnection<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, options: { maxWaitMs?: number } = {}): Promise<T> {
  const client = await connectWithin(pool, options.maxWaitMs);
  try {
    return await work(client);
  } finally {
    client.release();
  }
}

/** `timestamp without time zone` columns hold UTC wall time: read them as UTC. */
const TIMESTAMP_OID = 1114;

/** The pool's type parsers: as pg's defaults, but timestamps without zone are UTC. */
export const SQL_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === TIMESTAMP_OID && format !== 'binary') return (value: string) => new Date(`${value.replace(' ', 'T')}Z`);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;
