import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../crypto/api-keys.ts';
import { BootstrapErrorCode } from '../errors.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { ensureBootstrap } from './bootstrap.ts';
import { createPrisma, type Db } from './prisma.ts';

let server: TestPostgres;
const clients: Db[] = [];

beforeAll(async () => {
  server = await startTestPostgres();
});
afterAll(async () => {
  for (const c of clients) await c.$disconnect();
  await server?.stop();
});

async function freshDb(): Promise<Db> {
  const prisma = createPrisma(await server.createDatabase());
  clients.push(prisma);
  return prisma;
}

describe('ensureBootstrap', () => {
  it('creates one organization, admin and the given key, idempotently', async () => {
    const prisma = await freshDb();
    const key = 'vr3_operator_chosen_key_0001';
    const first = await ensureBootstrap(prisma, { apiKey: key });
    const second = await ensureBootstrap(prisma, { apiKey: key });
    expect(second).toEqual(first);
    expect(first.createdApiKey).toBeUndefined();
    expect(await prisma.organization.count()).toBe(1);
    expect(await prisma.user.findMany()).toEqual([expect.objectContaining({ id: first.userId, organizationId: first.organizationId, role: 'admin' })]);
    const keys = await prisma.apiKey.findMany();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ hash: hashApiKey(key), prefix: key.slice(0, 12) });
    expect(JSON.stringify(keys)).not.toContain(key);
  });

  it('adds a second given key to the same admin', async () => {
    const prisma = await freshDb();
    const a = await ensureBootstrap(prisma, { apiKey: 'vr3_first_key_abcdefgh' });
    const b = await ensureBootstrap(prisma, { apiKey: 'vr3_second_key_abcdefgh' });
    expect(b).toEqual(a);
    expect(await prisma.apiKey.count()).toBe(2);
    expect(await prisma.user.count()).toBe(1);
  });

  it('without a key, mints one only when none exists', async () => {
    const prisma = await freshDb();
    const first = await ensureBootstrap(prisma);
    expect(first.createdApiKey).toMatch(/^vr3_[\w-]{32}$/);
    expect(await prisma.apiKey.findUnique({ where: { hash: hashApiKey(first.createdApiKey!) } })).not.toBeNull();
    const again = await ensureBootstrap(prisma);
    expect(again).toEqual({ organizationId: first.organizationId, userId: first.userId });
    expect(await prisma.apiKey.count()).toBe(1);
  });

  it('without a key, mints nothing when an operator key exists', async () => {
    const prisma = await freshDb();
    const seeded = await ensureBootstrap(prisma, { apiKey: 'vr3_operator_key_12345678' });
    expect(await ensureBootstrap(prisma)).toEqual(seeded);
    expect(await prisma.apiKey.count()).toBe(1);
  });

  it('is safe when replicas bootstrap concurrently', async () => {
    const prisma = await freshDb();
    const results = await Promise.all(Array.from({ length: 5 }, () => ensureBootstrap(prisma)));
    expect(results.filter((r) => r.createdApiKey !== undefined)).toHaveLength(1);
    expect(await prisma.organization.count()).toBe(1);
    expect(await prisma.apiKey.count()).toBe(1);
  });

  it('rejects a short or blank key', async () => {
    const prisma = await freshDb();
    await expect(ensureBootstrap(prisma, { apiKey: 'short' })).rejects.toMatchObject({ code: BootstrapErrorCode.InvalidApiKey });
    await expect(ensureBootstrap(prisma, { apiKey: 'has whitespace inside it' })).rejects.toMatchObject({ code: BootstrapErrorCode.InvalidApiKey });
    expect(await prisma.organization.count()).toBe(0);
  });
});
