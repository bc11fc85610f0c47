import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../crypto/api-keys.ts';
import { createApiKey } from '../db/api-keys.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';

let server: TestPostgres;
let cp: TestControlPlane;
/** A second replica on the same database (its own process state, its own HTTP server). */
let replica: TestControlPlane;

beforeAll(async () => {
  server = await startTestPostgres();
  const databaseUrl = await server.createDatabase();
  cp = await startTestControlPlane({ databaseUrl });
  replica = await startTestControlPlane({ databaseUrl, secretKey: cp.secretKey });
});
afterAll(async () => {
  await replica?.close();
  await cp?.close();
  await server?.stop();
});

const UNAUTHORIZED = { status: 401, body: { error: { code: 'unauthorized', message: 'invalid API key' } } };

async function createKey(body: Record<string, unknown>, key?: string): Promise<{ id: string; key: string; [k: string]: unknown }> {
  const res = await cp.api('POST', '/api-keys', body, key);
  expect(res.status).toBe(201);
  return res.body;
}

describe('POST /api-keys', () => {
  it('shows the key once, stores only its hash, and the key works with its role', async () => {
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const created = await createKey({ name: 'ci', role: 'member', expires_at: expiresAt });
    expect(created).toEqual({
      id: expect.any(String),
      name: 'ci',
      role: 'member',
      prefix: created.key.slice(0, 12),
      user_id: cp.userId,
      created_at: expect.any(String),
      expires_at: expiresAt,
      last_used_at: null,
      revoked: false,
      revoked_at: null,
      key: expect.stringMatching(/^vr3_[\w-]{32}$/),
    });
    const row = await cp.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.hash).toBe(hashApiKey(created.key));
    expect(JSON.stringify(row)).not.toContain(created.key);
    expect(await cp.api('GET', '/me', undefined, created.key)).toEqual({
      status: 200,
      body: { user_id: cp.userId, organization_id: cp.organizationId, role: 'member', api_key_id: created.id },
    });
    // A member key of an admin user is a member.
    expect((await cp.api('GET', '/api-keys', undefined, created.key)).status).toBe(403);
  });

  it('400 on a bad body', async () => {
    for (const body of [
      {},
      { name: 'x' },
      { name: '', role: 'member' },
      { name: 'x', role: 'owner' },
      { name: 'x', role: 'member', expires_at: 'tomorrow' },
      { name: 'x', role: 'member', expires_at: new Date(Date.now() - 1000).toISOString() },
      { name: 'x', role: 'member', user_id: randomUUID() },
    ]) {
      expect({ body, res: await cp.api('POST', '/api-keys', body) }).toMatchObject({ body, res: { status: 400, body: { error: { code: 'validation_failed' } } } });
    }
  });

  it('refuses to grant a role above the caller\'s: a member cannot mint an admin key', async () => {
    const memberKey = (await createKey({ name: 'member', role: 'member' })).key;
    expect(await cp.api('POST', '/api-keys', { name: 'escalate', role: 'admin' }, memberKey)).toEqual({
      status: 403,
      body: { error: { code: 'forbidden', message: 'this route needs the admin role' } },
    });
    // Nor through a member user's own key.
    const user = await cp.prisma.user.create({ data: { organizationId: cp.organizationId, name: 'm', role: 'member' } });
    const { key } = await createApiKey(cp.prisma, { organizationId: cp.organizationId, userId: user.id, name: 'm', role: 'member' });
    expect(await cp.api('POST', '/api-keys', { name: 'escalate', role: 'admin' }, key)).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(await cp.prisma.apiKey.count({ where: { name: 'escalate' } })).toBe(0);
  });
});

describe('GET /api-keys', () => {
  it('lists the organization\'s keys without their clear text or hash', async () => {
    const created = await createKey({ name: 'listed', role: 'admin' });
    const res = await cp.api('GET', '/api-keys');
    expect(res.status).toBe(200);
    const listed = res.body.data.find((k: { id: string }) => k.id === created.id);
    expect(listed).toEqual({ ...created, key: undefined });
    expect(Object.keys(listed).sort()).toEqual(['created_at', 'expires_at', 'id', 'last_used_at', 'name', 'prefix', 'revoked', 'revoked_at', 'role', 'user_id']);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(created.key);
    expect(text).not.toContain(hashApiKey(created.key));
    expect(text).not.toContain(hashApiKey(cp.apiKey));
    // Newest first.
    const times = res.body.data.map((k: { created_at: string }) => Date.parse(k.created_at));
    expect(times).toEqual([...times].sort((a: number, b: number) => b - a));
  });

  it('records last use at most once a minute per key', async () => {
    const { id, key } = await createKey({ name: 'used', role: 'member' });
    const lastUsed = async () => (await cp.prisma.apiKey.findUniqueOrThrow({ where: { id } })).lastUsedAt;
    expect(await lastUsed()).toBeNull();
    await cp.api('GET', '/me', undefined, key);
    const first = await waitFor(lastUsed);
    for (let i = 0; i < 5; i++) await cp.api('GET', '/me', undefined, key);
    await new Promise((r) => setTimeout(r, 100));
    expect(await lastUsed()).toEqual(first);
    // Older than a minute: refreshed on the next use.
    await cp.prisma.apiKey.update({ where: { id }, data: { lastUsedAt: new Date(Date.now() - 61_000) } });
    await cp.api('GET', '/me', undefined, key);
    const refreshed = await waitFor(async () => {
      const at = await lastUsed();
      return at && Date.now() - at.getTime() < 30_000 ? at : null;
    });
    expect(refreshed.getTime()).toBeGreaterThan(first.getTime());
    const listed = (await cp.api('GET', '/api-keys')).body.data.find((k: { id: string }) => k.id === id);
    expect(listed.last_used_at).toBe(refreshed.toISOString());
  });
});

describe('DELETE /api-keys/{id}', () => {
  it('revokes at once on every replica', async () => {
    const { id, key } = await createKey({ name: 'to revoke', role: 'admin' });
    // Both replicas accept it (the second has served it before: nothing it remembered keeps it valid).
    expect((await cp.api('GET', '/me', undefined, key)).status).toBe(200);
    expect((await replica.api('GET', '/me', undefined, key)).status).toBe(200);
    expect(await cp.api('DELETE', `/api-keys/${id}`)).toEqual({ status: 204, body: undefined });
    expect(await replica.api('GET', '/me', undefined, key)).toEqual(UNAUTHORIZED);
    expect(await cp.api('GET', '/me', undefined, key)).toEqual(UNAUTHORIZED);
    const listed = (await replica.api('GET', '/api-keys')).body.data.find((k: { id: string }) => k.id === id);
    expect(listed).toMatchObject({ revoked: true, revoked_at: expect.any(String) });
    // Idempotent; an unknown id is 404.
    expect((await cp.api('DELETE', `/api-keys/${id}`)).status).toBe(204);
    expect(await cp.api('DELETE', `/api-keys/${randomUUID()}`)).toEqual({ status: 404, body: { error: { code: 'api_key_not_found', message: 'API key not found' } } });
  });

  it('a key may revoke itself; the next request is 401', async () => {
    const { id, key } = await createKey({ name: 'self', role: 'admin' });
    expect((await replica.api('DELETE', `/api-keys/${id}`, undefined, key)).status).toBe(204);
    expect(await cp.api('GET', '/agents', undefined, key)).toEqual(UNAUTHORIZED);
  });
});

describe('expiry', () => {
  it('an expired key is 401 at once, on every replica', async () => {
    const { id, key } = await createKey({ name: 'short', role: 'admin', expires_at: new Date(Date.now() + 60_000).toISOString() });
    expect((await replica.api('GET', '/me', undefined, key)).status).toBe(200);
    await cp.prisma.apiKey.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    expect(await cp.api('GET', '/me', undefined, key)).toEqual(UNAUTHORIZED);
    expect(await replica.api('GET', '/me', undefined, key)).toEqual(UNAUTHORIZED);
  });

  it('expires on its own at expires_at', async () => {
    const { key } = await createKey({ name: 'seconds', role: 'member', expires_at: new Date(Date.now() + 1_500).toISOString() });
    expect((await cp.api('GET', '/me', undefined, key)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_700));
    expect(await cp.api('GET', '/me', undefined, key)).toEqual(UNAUTHORIZED);
  });
});

describe('organization isolation', () => {
  it('a key never sees or revokes another organization\'s keys', async () => {
    const org = await cp.prisma.organization.create({ data: { name: 'Other' } });
    const admin = await cp.prisma.user.create({ data: { organizationId: org.id, name: 'their admin', role: 'admin' } });
    const theirs = await createApiKey(cp.prisma, { organizationId: org.id, userId: admin.id, name: 'theirs', role: 'admin' });
    const mine = await createKey({ name: 'mine', role: 'member' });

    const ourList = (await cp.api('GET', '/api-keys')).body.data.map((k: { id: string }) => k.id);
    expect(ourList).toContain(mine.id);
    expect(ourList).not.toContain(theirs.row.id);
    const theirList = (await cp.api('GET', '/api-keys', undefined, theirs.key)).body.data.map((k: { id: string }) => k.id);
    expect(theirList).toEqual([theirs.row.id]);

    expect(await cp.api('DELETE', `/api-keys/${theirs.row.id}`)).toMatchObject({ status: 404, body: { error: { code: 'api_key_not_found' } } });
    expect(await cp.api('DELETE', `/api-keys/${mine.id}`, undefined, theirs.key)).toMatchObject({ status: 404, body: { error: { code: 'api_key_not_found' } } });
    expect((await cp.api('GET', '/me', undefined, theirs.key)).status).toBe(200);
    expect((await cp.api('GET', '/me', undefined, mine.key)).status).toBe(200);

    // Keys they mint are theirs.
    const res = await cp.api('POST', '/api-keys', { name: 'theirs 2', role: 'member' }, theirs.key);
    expect(res.body).toMatchObject({ user_id: admin.id });
    expect((await cp.prisma.apiKey.findUniqueOrThrow({ where: { id: res.body.id } })).organizationId).toBe(org.id);
  });
});

describe('authentication', () => {
  it('401 for unknown keys, malformed headers and a key whose user moved organizations', async () => {
    expect(await cp.api('GET', '/me', undefined, `vr3_${randomBytes(24).toString('base64url')}`)).toEqual(UNAUTHORIZED);
    expect((await cp.api('GET', '/me', undefined, null)).status).toBe(401);
    const org = await cp.prisma.organization.create({ data: { name: 'Elsewhere' } });
    const user = await cp.prisma.user.create({ data: { organizationId: cp.organizationId, name: 'mover', role: 'admin' } });
    const { key } = await createApiKey(cp.prisma, { organizationId: cp.organizationId, userId: user.id, name: 'mover', role: 'admin' });
    expect((await cp.api('GET', '/me', undefined, key)).status).toBe(200);
    await cp.prisma.user.update({ where: { id: user.id }, data: { organizationId: org.id } });
    expect(await cp.api('GET', '/me', undefined, key)).toEqual(UNAUTHORIZED);
  });
});

async function waitFor<T>(fn: () => Promise<T | null | undefined>, timeoutMs = 3_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 25));
  }
}
