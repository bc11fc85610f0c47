import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from './config.ts';
import { createPrisma, poolOf, SLOT_CONNECTIONS, slotPoolOf, type Db } from './db/prisma.ts';
import { startTestPostgres, type TestPostgres } from './testing/postgres.ts';
import { warmUp } from './warm-up.ts';

let server: TestPostgres;
let databaseUrl: string;
const open: Db[] = [];

beforeAll(async () => {
  server = await startTestPostgres();
  databaseUrl = await server.createDatabase();
});
afterAll(async () => {
  await Promise.allSettled(open.map((db) => db.$disconnect()));
  await server?.stop();
});

/** A warm-up context over a fresh pool, logging into `lines`. */
function context(url: string, warmUpConnections: number, lines: Array<{ level: number; msg: string }>, minConnections = 0) {
  const prisma = createPrisma(url, { maxConnections: 5, minConnections });
  open.push(prisma);
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as { level: number; msg: string }) });
  return { prisma, pool: poolOf(prisma), logger, secretKey: randomBytes(32), config: resolveConfig({ warmUpConnections }) };
}

describe('warmUp', () => {
  it('opens the connections asked for (capped by the pool) and the slot pool, each having run the admission lookup, and says so', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const ctx = context(databaseUrl, 8, lines);
    expect(ctx.pool.totalCount).toBe(0);
    const report = await warmUp(ctx);
    expect(report).toMatchObject({ connections: 5 + SLOT_CONNECTIONS, complete: true });
    expect(ctx.pool.totalCount).toBe(5);
    expect(ctx.pool.idleCount).toBe(5); // every connection given back
    expect(slotPoolOf(ctx.prisma).idleCount).toBe(SLOT_CONNECTIONS);
    expect(lines.map((l) => l.msg)).toEqual(['warm-up finished']);
  });

  it('opens the rest of the connections the pool keeps after it, without holding start-up', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const ctx = context(databaseUrl, 2, lines, 5);
    const report = await warmUp(ctx);
    expect(report).toMatchObject({ connections: 2 + SLOT_CONNECTIONS, complete: true });
    await vi.waitFor(() => expect(ctx.pool.idleCount).toBe(5), { timeout: 5_000 });
    expect(slotPoolOf(ctx.prisma).idleCount).toBe(SLOT_CONNECTIONS);
  });

  it('never fails start-up: an unreachable database ends the warm-up at its deadline with a warning', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const unreachable = new URL(databaseUrl);
    unreachable.port = '1';
    const ctx = context(unreachable.toString(), 2, lines);
    const report = await warmUp(ctx, 2_000);
    expect(report.complete).toBe(false);
    expect(lines.filter((l) => l.level === 40).map((l) => l.msg)).toHaveLength(1);
    expect(lines.at(-1)!.msg).toBe('warm-up finished');
  });
});
