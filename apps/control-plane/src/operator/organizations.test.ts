import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../crypto/api-keys.ts';
import { OperatorErrorCode } from '../errors.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { parseOperatorArgs, runOperatorCommand } from './cli.ts';
import { createOrganization, mintAdminKey } from './organizations.ts';

let server: TestPostgres;
let cp: TestControlPlane;

beforeAll(async () => {
  server = await startTestPostgres();
  cp = await startTestControlPlane({ databaseUrl: await server.createDatabase() });
});
afterAll(async () => {
  await cp?.close();
  await server?.stop();
});

describe('createOrganization', () => {
  it('creates the organization, its first admin and an admin key that works on the API', async () => {
    const made = await createOrganization(cp.prisma, { name: 'Acme', adminEmail: 'Ops@Acme.example' });
    expect(made.apiKey).toMatch(/^vr3_[\w-]{32}$/);
    expect(await cp.prisma.user.findUniqueOrThrow({ where: { id: made.userId } })).toMatchObject({ organizationId: made.organizationId, email: 'ops@acme.example', role: 'admin' });
    const stored = await cp.prisma.apiKey.findUniqueOrThrow({ where: { id: made.apiKeyId } });
    expect(stored).toMatchObject({ hash: hashApiKey(made.apiKey), role: 'admin', organizationId: made.organizationId, userId: made.userId });
    expect(await cp.api('GET', '/me', undefined, made.apiKey)).toEqual({
      status: 200,
      body: { user_id: made.userId, organization_id: made.organizationId, role: 'admin', api_key_id: made.apiKeyId },
    });
    // Its own organization only.
    const keys = (await cp.api('GET', '/api-keys', undefined, made.apiKey)).body.data;
    expect(keys.map((k: { id: string }) => k.id)).toEqual([made.apiKeyId]);
  });

  it('refuses a taken email and bad input, creating nothing', async () => {
    await createOrganization(cp.prisma, { name: 'First', adminEmail: 'dup@example.com' });
    const orgs = await cp.prisma.organization.count();
    await expect(createOrganization(cp.prisma, { name: 'Second', adminEmail: 'DUP@example.com' })).rejects.toMatchObject({ code: OperatorErrorCode.EmailTaken });
    await expect(createOrganization(cp.prisma, { name: ' ', adminEmail: 'a@b.c' })).rejects.toMatchObject({ code: OperatorErrorCode.InvalidArgument });
    await expect(createOrganization(cp.prisma, { name: 'X', adminEmail: 'not an email' })).rejects.toMatchObject({ code: OperatorErrorCode.InvalidArgument });
    expect(await cp.prisma.organization.count()).toBe(orgs);
  });
});

describe('mintAdminKey', () => {
  it('mints a working admin key for the organization named by id or name', async () => {
    const made = await createOrganization(cp.prisma, { name: 'Recover Me', adminEmail: 'recover@example.com' });
    await cp.prisma.apiKey.update({ where: { id: made.apiKeyId }, data: { revokedAt: new Date() } });
    expect((await cp.api('GET', '/me', undefined, made.apiKey)).status).toBe(401);
    for (const organization of [made.organizationId, 'Recover Me']) {
      const minted = await mintAdminKey(cp.prisma, { organization });
      expect(minted).toMatchObject({ organizationId: made.organizationId, userId: made.userId });
      expect((await cp.api('GET', '/me', undefined, minted.apiKey)).body).toMatchObject({ organization_id: made.organizationId, role: 'admin' });
      // An admin key: it may manage the organization's keys.
      expect((await cp.api('DELETE', `/api-keys/${made.apiKeyId}`, undefined, minted.apiKey)).status).toBe(204);
    }
  });

  it('creates an admin user when the organization has none', async () => {
    const org = await cp.prisma.organization.create({ data: { name: 'No admin' } });
    await cp.prisma.user.create({ data: { organizationId: org.id, name: 'member', role: 'member' } });
    const minted = await mintAdminKey(cp.prisma, { organization: org.id });
    expect(await cp.prisma.user.findUniqueOrThrow({ where: { id: minted.userId } })).toMatchObject({ organizationId: org.id, role: 'admin' });
    expect((await cp.api('GET', '/me', undefined, minted.apiKey)).body.role).toBe('admin');
  });

  it('needs --org when there are several organizations, and refuses unknown or ambiguous ones', async () => {
    await expect(mintAdminKey(cp.prisma)).rejects.toMatchObject({ code: OperatorErrorCode.OrganizationAmbiguous });
    await expect(mintAdminKey(cp.prisma, { organization: 'no such org' })).rejects.toMatchObject({ code: OperatorErrorCode.OrganizationNotFound });
    await cp.prisma.organization.createMany({ data: [{ name: 'Twin' }, { name: 'Twin' }] });
    await expect(mintAdminKey(cp.prisma, { organization: 'Twin' })).rejects.toMatchObject({ code: OperatorErrorCode.OrganizationAmbiguous });
  });

  it('picks the only organization when none is named', async () => {
    const single = await server.createDatabase();
    const other = await startTestControlPlane({ databaseUrl: single });
    try {
      const minted = await mintAdminKey(other.prisma);
      expect(minted).toMatchObject({ organizationId: other.organizationId, userId: other.userId });
      expect((await other.api('GET', '/me', undefined, minted.apiKey)).body.role).toBe('admin');
    } finally {
      await other.close();
    }
  });
});

describe('operator command line', () => {
  it('parses each command and refuses what does not apply', () => {
    expect(parseOperatorArgs(['create-org', '--name', 'Acme', '--admin-email', 'a@b.c'])).toEqual({ command: 'create-org', name: 'Acme', adminEmail: 'a@b.c' });
    expect(parseOperatorArgs(['mint-admin-key', '--data-dir', '/d', '--org', 'Acme'])).toEqual({ command: 'mint-admin-key', organization: 'Acme', dataDir: '/d' });
    expect(parseOperatorArgs(['list-orgs'])).toEqual({ command: 'list-orgs' });
    expect(parseOperatorArgs([])).toEqual({ command: 'help' });
    expect(parseOperatorArgs(['--help'])).toEqual({ command: 'help' });
    for (const argv of [['create-org', '--name', 'Acme'], ['create-org', '--admin-email', 'a@b.c'], ['mint-admin-key', '--name', 'x'], ['drop-db'], ['list-orgs', 'extra'], ['list-orgs', '--bogus']]) {
      expect(() => parseOperatorArgs(argv)).toThrow(expect.objectContaining({ code: OperatorErrorCode.InvalidArgument }));
    }
  });

  it('prints the key of create-org and lists organizations', async () => {
    const out = await runOperatorCommand(cp.prisma, { command: 'create-org', name: 'Printed', adminEmail: 'printed@example.com' });
    expect(out).toEqual({ organization_id: expect.any(String), organization_name: 'Printed', user_id: expect.any(String), api_key_id: expect.any(String), role: 'admin', api_key: expect.stringMatching(/^vr3_/) });
    const list = await runOperatorCommand(cp.prisma, { command: 'list-orgs' });
    expect(list.data).toContainEqual({ id: out['organization_id'], name: 'Printed', created_at: expect.any(String) });
  });
});
