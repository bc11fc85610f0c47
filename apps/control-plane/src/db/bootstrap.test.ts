import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../auth/password.ts';
import { hashApiKey } from '../crypto/api-keys.ts';
import { BootstrapErrorCode } from '../errors.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { DEFAULT_BOOTSTRAP_EMAIL, ensureBootstrap } from './bootstrap.ts';
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

/** The organization and user a bootstrap resolved (without what it minted). */
const ids = (r: { organizationId: string; userId: string }) => ({ organizationId: r.organizationId, userId: r.userId });

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
    expect(second).toEqual(ids(first));
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
    expect(b).toEqual(ids(a));
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
    expect(await ensureBootstrap(prisma)).toEqual(ids(seeded));
    expect(await prisma.apiKey.count()).toBe(1);
  });

  it('is safe when replicas bootstrap concurrently', async () => {
    const prisma = await freshDb();
    const results = await Promise.all(Array.from({ length: 5 }, () => ensureBootstrap(prisma)));
    expect(results.filter((r) => r.createdApiKey !== undefined)).toHaveLength(1);
    expect(await prisma.organization.count()).toBe(1);
    expect(await prisma.apiKey.count()).toBe(1);
  });

  it('mints admin keys (given or generated)', async () => {
    const prisma = await freshDb();
    await ensureBootstrap(prisma, { apiKey: 'vr3_given_admin_key_0001' });
    const other = await freshDb();
    await ensureBootstrap(other);
    expect((await prisma.apiKey.findMany()).map((k) => k.role)).toEqual(['admin']);
    expect((await other.apiKey.findMany()).map((k) => k.role)).toEqual(['admin']);
  });

  it('stores a minted key only once it was revealed: a failed reveal leaves nothing, and the next call mints again', async () => {
    const prisma = await freshDb();
    const seen: string[] = [];
    await expect(
      ensureBootstrap(prisma, {
        reveal: (key) => {
          seen.push(key);
          throw new Error('could not show it');
        },
      }),
    ).rejects.toThrow('could not show it');
    expect(await prisma.apiKey.count()).toBe(0);
    const next = await ensureBootstrap(prisma, { reveal: (key) => void seen.push(key) });
    expect(next.createdApiKey).toBeDefined();
    expect(seen).toEqual([expect.any(String), next.createdApiKey]);
    expect(seen[0]).not.toBe(next.createdApiKey);
    expect(await prisma.apiKey.findMany({ select: { hash: true } })).toEqual([{ hash: hashApiKey(next.createdApiKey!) }]);
    // Revealed once: later calls reveal nothing.
    await ensureBootstrap(prisma, { reveal: (key) => void seen.push(key) });
    expect(seen).toHaveLength(2);
  });

  it('mints again when every key is revoked or expired', async () => {
    const prisma = await freshDb();
    const first = await ensureBootstrap(prisma);
    await prisma.apiKey.updateMany({ data: { expiresAt: new Date(Date.now() - 1_000) } });
    const second = await ensureBootstrap(prisma);
    expect(second.createdApiKey).toBeDefined();
    expect(second.userId).toBe(first.userId);
    await prisma.apiKey.updateMany({ data: { revokedAt: new Date() } });
    expect((await ensureBootstrap(prisma)).createdApiKey).toBeDefined();
    expect(await prisma.user.count()).toBe(1);
  });

  it('rejects a short or blank key', async () => {
    const prisma = await freshDb();
    await expect(ensureBootstrap(prisma, { apiKey: 'short' })).rejects.toMatchObject({ code: BootstrapErrorCode.InvalidApiKey });
    await expect(ensureBootstrap(prisma, { apiKey: 'has whitespace inside it' })).rejects.toMatchObject({ code: BootstrapErrorCode.InvalidApiKey });
    expect(await prisma.organization.count()).toBe(0);
  });
});

describe('ensureBootstrap: the bootstrap admin\'s password', () => {
  const adminOf = (prisma: Db, userId: string) => prisma.user.findUniqueOrThrow({ where: { id: userId } });

  it('generates one once, reveals it before storing only its hash, with the default email', async () => {
    const prisma = await freshDb();
    const seen: Array<{ email: string; password: string }> = [];
    const first = await ensureBootstrap(prisma, { revealPassword: (c) => void seen.push(c) });
    expect(first.createdPassword).toMatch(/^[\w-]{24}$/);
    expect(seen).toEqual([{ email: DEFAULT_BOOTSTRAP_EMAIL, password: first.createdPassword }]);
    const admin = await adminOf(prisma, first.userId);
    expect(admin.email).toBe(DEFAULT_BOOTSTRAP_EMAIL);
    expect(admin.passwordHash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(admin)).not.toContain(first.createdPassword);
    expect(await verifyPassword(first.createdPassword!, admin.passwordHash)).toBe(true);
    const again = await ensureBootstrap(prisma, { revealPassword: (c) => void seen.push(c) });
    expect(again.createdPassword).toBeUndefined();
    expect(seen).toHaveLength(1);
    expect((await adminOf(prisma, first.userId)).passwordHash).toBe(admin.passwordHash);
  });

  it('sets the operator\'s password (and email) when the admin has none, and keeps it on later starts', async () => {
    const prisma = await freshDb();
    const seen: unknown[] = [];
    const password = 'operator chosen password 1';
    const first = await ensureBootstrap(prisma, { adminPassword: password, adminEmail: ' Ops@Example.COM ', revealPassword: (c) => void seen.push(c) });
    expect(first.createdPassword).toBeUndefined();
    expect(seen).toEqual([]);
    const admin = await adminOf(prisma, first.userId);
    expect(admin.email).toBe('ops@example.com');
    expect(await verifyPassword(password, admin.passwordHash)).toBe(true);
    // A password set (or changed by the admin since) is not overwritten by a later start's.
    await ensureBootstrap(prisma, { adminPassword: 'another password value 2' });
    expect(await verifyPassword(password, (await adminOf(prisma, first.userId)).passwordHash)).toBe(true);
  });

  it('stores a generated password only once revealed: a failed reveal leaves none', async () => {
    const prisma = await freshDb();
    await expect(
      ensureBootstrap(prisma, {
        revealPassword: () => {
          throw new Error('could not show it');
        },
      }),
    ).rejects.toThrow('could not show it');
    expect(await prisma.user.count()).toBe(0);
    const next = await ensureBootstrap(prisma);
    expect(next.createdPassword).toBeDefined();
  });

  it('rejects a password shorter than 12 or longer than 256 characters', async () => {
    const prisma = await freshDb();
    for (const adminPassword of ['short', 'x'.repeat(257)]) {
      await expect(ensureBootstrap(prisma, { adminPassword })).rejects.toMatchObject({ code: BootstrapErrorCode.InvalidPassword });
    }
    expect(await prisma.organization.count()).toBe(0);
  });
});
