import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { ConnectionWaitError, query, sql, transaction } from './sql.ts';

let server: TestPostgres;
let pool: pg.Pool;

beforeAll(async () => {
  server = await startTestPostgres();
  pool = new pg.Pool({ connectionString: await server.createDatabase(), max: 1 });
});
afterAll(async () => {
  await pool?.end();
  await server?.stop();
});

describe('sql', () => {
  it('splices fragments, renumbering their placeholders, and sends dates as UTC text', () => {
    const inner = sql`"b" = ${2} AND "c" = ${3}`;
    const at = new Date(Date.UTC(2026, 11, 1));
    expect(sql`SELECT ${1} WHERE ${inner} AND "d" = ${at}`).toMatchObject({
      text: 'SELECT $1 WHERE "b" = $2 AND "c" = $3 AND "d" = $4',
      values: [1, 2, 3, '2026-12-01T00:00:00.000Z'],
    });
  });

  it('a transaction that gets no connection within maxWaitMs fails; the late connection goes back unused', async () => {
    let release!: () => void;
    const held = transaction(pool, () => new Promise<void>((resolve) => (release = resolve)));
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    await expect(transaction(pool, async () => 'never', { maxWaitMs: 150 })).rejects.toBeInstanceOf(ConnectionWaitError);
    expect(performance.now() - t0).toBeLessThan(1_000);
    release();
    await held;
    await new Promise((r) => setTimeout(r, 50));
    expect(pool.idleCount).toBe(1);
    expect(await query<{ n: number }>(pool, sql`SELECT 1 AS "n"`)).toEqual([{ n: 1 }]);
  });
});
