import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../auth/tokens.ts';
import { DEFAULT_BOOTSTRAP_EMAIL } from '../db/bootstrap.ts';
import { checkApiResponse } from '../testing/api-contract.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { createSignInUser, sessionRequest, signIn, type BrowserSession } from '../testing/session.ts';

let server: TestPostgres;
let cp: TestControlPlane;
let admin: BrowserSession;
const ADMIN_PASSWORD = 'admin password 0001';
const GOOD_PASSWORD = 'a good password 01';

beforeAll(async () => {
  server = await startTestPostgres();
  cp = await startTestControlPlane({ databaseUrl: await server.createDatabase() });
  await createSignInUser(cp.prisma, { organizationId: cp.organizationId, email: DEFAULT_BOOTSTRAP_EMAIL, password: ADMIN_PASSWORD, role: 'admin' });
  admin = (await signIn(cp.baseUrl, DEFAULT_BOOTSTRAP_EMAIL, ADMIN_PASSWORD)).session!;
});
afterAll(async () => {
  await cp?.close();
  await server?.stop();
});

interface Listed {
  id: string;
  email: string;
  state: string;
  created_at: string;
  [k: string]: unknown;
}

/** A request as the console sends it, its answer checked against the API's contract. */
async function call(s: BrowserSession, method: string, path: string, body?: unknown) {
  const res = await sessionRequest(cp.baseUrl, s, method, path, body);
  checkApiResponse(method, path, res.status, res.body);
  return res;
}
const accept = (token: string, name = 'Invited Person') =>
  sessionRequest(cp.baseUrl, { cookie: '', csrfToken: '' }, 'POST', '/auth/accept-invitation', { token, name, password: GOOD_PASSWORD }, { csrf: null });

async function invite(by: BrowserSession, email: string, role: 'admin' | 'member' = 'member'): Promise<{ id: string; token: string }> {
  const res = await call(by, 'POST', '/users/invitations', { email, role });
  expect(res.status).toBe(201);
  return res.body;
}

async function listAll(by: BrowserSession, query = ''): Promise<Listed[]> {
  const res = await call(by, 'GET', `/users/invitations?limit=200${query}`);
  expect(res.status).toBe(200);
  expect(res.body.next_cursor).toBeNull();
  return res.body.data;
}

/** A new organization with a signed-in admin, so lists and filters see only what a test made. */
async function freshOrganization(name: string): Promise<{ organizationId: string; admin: BrowserSession }> {
  const org = await cp.prisma.organization.create({ data: { name } });
  await createSignInUser(cp.prisma, { organizationId: org.id, email: `admin@${name}.example`, password: ADMIN_PASSWORD, role: 'admin' });
  return { organizationId: org.id, admin: (await signIn(cp.baseUrl, `admin@${name}.example`, ADMIN_PASSWORD)).session! };
}

describe('GET /users/invitations', () => {
  it('lists a new invitation as pending, with who invited, never its token or hash', async () => {
    const made = await invite(admin, 'Listed@Example.com', 'admin');
    const res = await call(admin, 'GET', '/users/invitations');
    expect(res.status).toBe(200);
    expect(res.body.data.find((i: Listed) => i.id === made.id)).toEqual({
      id: made.id,
      email: 'listed@example.com',
      role: 'admin',
      state: 'pending',
      invited_by_id: cp.userId,
      invited_by_email: DEFAULT_BOOTSTRAP_EMAIL,
      created_at: expect.any(String),
      expires_at: expect.any(String),
      accepted_at: null,
      revoked_at: null,
    });
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(made.token);
    expect(text).not.toContain(hashToken(made.token));
    expect(text).not.toMatch(/token/);
  });

  it('filters by state: pending, accepted, expired, revoked', async () => {
    const org = await freshOrganization('states');
    const pending = await invite(org.admin, 'pending@states.example');
    const accepted = await invite(org.admin, 'accepted@states.example');
    const expired = await invite(org.admin, 'expired@states.example');
    const revoked = await invite(org.admin, 'revoked@states.example');
    expect((await accept(accepted.token)).status).toBe(201);
    await cp.prisma.userInvitation.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    expect((await call(org.admin, 'DELETE', `/users/invitations/${revoked.id}`)).status).toBe(204);

    const states = Object.fromEntries((await listAll(org.admin)).map((i) => [i.id, i.state]));
    expect(states).toEqual({ [pending.id]: 'pending', [accepted.id]: 'accepted', [expired.id]: 'expired', [revoked.id]: 'revoked' });
    for (const [state, id] of [['pending', pending.id], ['accepted', accepted.id], ['expired', expired.id], ['revoked', revoked.id]] as const) {
      expect((await listAll(org.admin, `&state=${state}`)).map((i) => i.id)).toEqual([id]);
    }
    const [acceptedRow] = await listAll(org.admin, '&state=accepted');
    expect(acceptedRow).toMatchObject({ accepted_at: expect.any(String), revoked_at: null });
    const bad = await call(org.admin, 'GET', '/users/invitations?state=used');
    expect({ status: bad.status, code: bad.body.error.code }).toEqual({ status: 400, code: 'validation_failed' });
  });

  it('pages newest first with an opaque cursor, within a state too', async () => {
    const org = await freshOrganization('paging');
    for (let i = 0; i < 5; i++) await invite(org.admin, `p${i}@paging.example`);
    const revoked = await invite(org.admin, 'r@paging.example');
    expect((await call(org.admin, 'DELETE', `/users/invitations/${revoked.id}`)).status).toBe(204);

    const all = await listAll(org.admin);
    expect(all).toHaveLength(6);
    const times = all.map((i) => Date.parse(i.created_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(all[0]!.id).toBe(revoked.id);

    const walk = async (query: string, limit: number) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: { data: Listed[]; next_cursor: string | null } } = await call(org.admin, 'GET', `/users/invitations?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        expect(page.body.data.length).toBeLessThanOrEqual(limit);
        seen.push(...page.body.data.map((i) => i.id));
        cursor = page.body.next_cursor;
      } while (cursor);
      return seen;
    };
    expect(await walk('', 2)).toEqual(all.map((i) => i.id));
    expect(await walk('&state=pending', 2)).toEqual(all.filter((i) => i.state === 'pending').map((i) => i.id));
    const first = await call(org.admin, 'GET', '/users/invitations');
    expect(first.body.data).toHaveLength(6); // default page size holds them all
    for (const query of ['limit=0', 'limit=201', 'cursor=nope']) {
      expect((await call(org.admin, 'GET', `/users/invitations?${query}`)).body.error.code).toBe('validation_failed');
    }
  });
});

describe('DELETE /users/invitations/{id}', () => {
  it('revokes a pending invitation: its token is refused and no user is made; again is a no-op', async () => {
    const made = await invite(admin, 'revoke.me@example.com');
    expect((await call(admin, 'DELETE', `/users/invitations/${made.id}`)).status).toBe(204);
    const row = await cp.prisma.userInvitation.findUniqueOrThrow({ where: { id: made.id } });
    expect(row.revokedAt).toBeInstanceOf(Date);

    const refused = await accept(made.token);
    expect({ status: refused.status, body: refused.body }).toEqual({
      status: 410,
      body: { error: { code: 'invitation_revoked', message: 'this invitation was revoked; ask an admin for a new one' } },
    });
    expect(refused.headers.get('set-cookie')).toBeNull();
    expect(await cp.prisma.user.count({ where: { email: 'revoke.me@example.com' } })).toBe(0);
    expect((await listAll(admin)).find((i) => i.id === made.id)).toMatchObject({ state: 'revoked', revoked_at: row.revokedAt!.toISOString(), accepted_at: null });

    expect((await call(admin, 'DELETE', `/users/invitations/${made.id}`)).status).toBe(204);
    expect((await cp.prisma.userInvitation.findUniqueOrThrow({ where: { id: made.id } })).revokedAt).toEqual(row.revokedAt);
    // The same email may be invited again, and that invitation accepts.
    const again = await invite(admin, 'revoke.me@example.com');
    expect((await accept(again.token)).status).toBe(201);
  });

  it('refuses an accepted invitation (409), an unknown one and another organization\'s (404)', async () => {
    const made = await invite(admin, 'already.in@example.com');
    expect((await accept(made.token)).status).toBe(201);
    const conflict = await call(admin, 'DELETE', `/users/invitations/${made.id}`);
    expect({ status: conflict.status, body: conflict.body }).toEqual({
      status: 409,
      body: { error: { code: 'invitation_accepted', message: 'this invitation was already accepted: remove the user instead' } },
    });
    expect((await cp.prisma.userInvitation.findUniqueOrThrow({ where: { id: made.id } })).revokedAt).toBeNull();

    const unknown = await call(admin, 'DELETE', '/users/invitations/00000000-0000-4000-8000-000000000000');
    expect({ status: unknown.status, code: unknown.body.error.code }).toEqual({ status: 404, code: 'invitation_not_found' });

    const other = await freshOrganization('elsewhere');
    const theirs = await invite(other.admin, 'theirs@elsewhere.example');
    const foreign = await call(admin, 'DELETE', `/users/invitations/${theirs.id}`);
    expect({ status: foreign.status, code: foreign.body.error.code }).toEqual({ status: 404, code: 'invitation_not_found' });
    expect((await cp.prisma.userInvitation.findUniqueOrThrow({ where: { id: theirs.id } })).revokedAt).toBeNull();
    expect((await listAll(admin)).map((i) => i.id)).not.toContain(theirs.id);
    expect((await accept(theirs.token)).status).toBe(201);
  });

  it('an acceptance and a revocation at once: exactly one of them wins', async () => {
    for (let i = 0; i < 4; i++) {
      const made = await invite(admin, `race${i}@example.com`);
      const [accepted, revoked] = await Promise.all([accept(made.token), call(admin, 'DELETE', `/users/invitations/${made.id}`)]);
      const users = await cp.prisma.user.count({ where: { email: `race${i}@example.com` } });
      if (accepted.status === 201) {
        expect({ revoked: revoked.status, code: revoked.body.error.code, users }).toEqual({ revoked: 409, code: 'invitation_accepted', users: 1 });
      } else {
        expect({ accepted: accepted.status, code: accepted.body.error.code, revoked: revoked.status, users }).toEqual({ accepted: 410, code: 'invitation_revoked', revoked: 204, users: 0 });
      }
    }
  });
});

describe('invitations are admin routes', () => {
  it('a member gets 403 listing or revoking, and the invitation stays pending', async () => {
    const made = await invite(admin, 'kept@example.com');
    await createSignInUser(cp.prisma, { organizationId: cp.organizationId, email: 'plain.member@example.com', password: 'member password 01', role: 'member' });
    const member = (await signIn(cp.baseUrl, 'plain.member@example.com', 'member password 01')).session!;
    for (const [method, path] of [['GET', '/users/invitations'], ['GET', '/users/invitations?state=pending'], ['DELETE', `/users/invitations/${made.id}`]] as const) {
      const res = await call(member, method, path);
      expect({ method, path, status: res.status, code: res.body.error.code }).toEqual({ method, path, status: 403, code: 'forbidden' });
    }
    expect((await cp.prisma.userInvitation.findUniqueOrThrow({ where: { id: made.id } })).revokedAt).toBeNull();
    expect((await call(admin, 'GET', '/users/invitations?state=pending')).body.data.map((i: Listed) => i.id)).toContain(made.id);
  });
});
