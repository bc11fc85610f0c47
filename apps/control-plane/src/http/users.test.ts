import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../auth/tokens.ts';
import { changeUserRole } from '../auth/users.ts';
import { DEFAULT_BOOTSTRAP_EMAIL } from '../db/bootstrap.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { createSignInUser, sessionRequest, signIn, type BrowserSession } from '../testing/session.ts';

let server: TestPostgres;
let cp: TestControlPlane;
let admin: BrowserSession;
const ADMIN_PASSWORD = 'admin password 0001';

beforeAll(async () => {
  server = await startTestPostgres();
  cp = await startTestControlPlane({ databaseUrl: await server.createDatabase(), config: { publicUrl: 'wss://voice.example.com' } });
  await createSignInUser(cp.prisma, { organizationId: cp.organizationId, email: DEFAULT_BOOTSTRAP_EMAIL, password: ADMIN_PASSWORD, role: 'admin' });
  admin = (await signIn(cp.baseUrl, DEFAULT_BOOTSTRAP_EMAIL, ADMIN_PASSWORD)).session!;
});
afterAll(async () => {
  await cp?.close();
  await server?.stop();
});

const call = (s: BrowserSession, method: string, path: string, body?: unknown) => sessionRequest(cp.baseUrl, s, method, path, body);
const accept = (body: unknown) => sessionRequest(cp.baseUrl, { cookie: '', csrfToken: '' }, 'POST', '/auth/accept-invitation', body, { csrf: null });

async function invite(email: string, role: 'admin' | 'member' = 'member'): Promise<{ id: string; token: string; [k: string]: unknown }> {
  const res = await call(admin, 'POST', '/users/invitations', { email, role });
  expect(res.status).toBe(201);
  return res.body;
}

describe('invitations', () => {
  it('an admin invites; the token is shown once, stored hashed, and accepted once into the inviter\'s organization', async () => {
    const invited = await invite('New.Person@Example.com');
    expect(invited).toEqual({
      id: expect.any(String),
      email: 'new.person@example.com',
      role: 'member',
      state: 'pending',
      invited_by_id: cp.userId,
      invited_by_email: DEFAULT_BOOTSTRAP_EMAIL,
      created_at: expect.any(String),
      expires_at: expect.any(String),
      accepted_at: null,
      revoked_at: null,
      token: expect.stringMatching(/^vr3i_[\w-]{43}$/),
      invitation_url: `https://voice.example.com/accept-invitation#token=${invited.token}`,
    });
    expect(Date.parse(invited.expires_at as string) - Date.parse(invited.created_at as string)).toBe(7 * 24 * 3_600_000);
    const row = await cp.prisma.userInvitation.findUniqueOrThrow({ where: { id: invited.id } });
    expect(row).toMatchObject({ organizationId: cp.organizationId, invitedById: cp.userId, tokenHash: hashToken(invited.token), acceptedAt: null });
    expect(cp.logLines.join('\n')).not.toContain(invited.token);

    const accepted = await accept({ token: invited.token, name: 'New Person', password: 'a good password 01' });
    expect(accepted.status).toBe(201);
    expect(accepted.headers.get('set-cookie')).toMatch(/^vr3_session=vr3s_[\w-]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Strict; Secure$/);
    expect(accepted.body).toMatchObject({ organization_id: cp.organizationId, role: 'member', email: 'new.person@example.com', name: 'New Person', csrf_token: expect.any(String) });
    // Signed in by the acceptance, and able to sign in again.
    const cookie = /^(vr3_session=[^;]+)/.exec(accepted.headers.get('set-cookie')!)![1]!;
    expect((await sessionRequest(cp.baseUrl, { cookie, csrfToken: accepted.body.csrf_token }, 'GET', '/me')).body.user_id).toBe(accepted.body.user_id);
    expect((await signIn(cp.baseUrl, 'new.person@example.com', 'a good password 01')).status).toBe(200);

    const again = await accept({ token: invited.token, name: 'Someone Else', password: 'another password 1' });
    expect({ status: again.status, body: again.body }).toEqual({ status: 410, body: { error: { code: 'invitation_used', message: 'this invitation was already accepted' } } });
    expect(await cp.prisma.user.count({ where: { email: 'new.person@example.com' } })).toBe(1);
  });

  it('refuses an expired or unknown token, a weak password, and an email that became taken', async () => {
    const expired = await invite('late@example.com');
    await cp.prisma.userInvitation.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    expect((await accept({ token: expired.token, name: 'Late', password: 'a good password 01' })).body.error.code).toBe('invitation_expired');
    expect((await accept({ token: 'vr3i_unknown', name: 'x', password: 'a good password 01' })).body.error.code).toBe('invitation_not_found');

    const weak = await invite('weak@example.com', 'admin');
    const short = await accept({ token: weak.token, name: 'Weak', password: 'short' });
    expect({ status: short.status, body: short.body }).toEqual({ status: 422, body: { error: { code: 'password_too_short', message: 'password must be at least 12 characters' } } });
    expect((await accept({ token: weak.token, name: '', password: 'a good password 01' })).body.error.code).toBe('validation_failed');
    // Still usable after the refusals.
    expect((await accept({ token: weak.token, name: 'Weak', password: 'a good password 01' })).body.role).toBe('admin');

    const first = await invite('twice@example.com');
    const second = await invite('twice@example.com');
    expect((await accept({ token: first.token, name: 'Twice', password: 'a good password 01' })).status).toBe(201);
    expect((await accept({ token: second.token, name: 'Twice', password: 'a good password 01' })).body.error.code).toBe('email_taken');
    const taken = await call(admin, 'POST', '/users/invitations', { email: 'TWICE@example.com', role: 'member' });
    expect({ status: taken.status, code: taken.body.error.code }).toEqual({ status: 409, code: 'email_taken' });
    for (const body of [{ email: 'not an email', role: 'member' }, { email: 'a@example.com', role: 'owner' }, { email: 'a@example.com' }]) {
      expect((await call(admin, 'POST', '/users/invitations', body)).body.error.code).toBe('validation_failed');
    }
  });
});

describe('users', () => {
  it('GET /users pages the organization\'s users, oldest first, without password hashes', async () => {
    const all = await call(admin, 'GET', '/users?limit=200');
    expect(all.status).toBe(200);
    expect(all.body.data[0]).toEqual({ id: cp.userId, email: DEFAULT_BOOTSTRAP_EMAIL, name: 'Administrator', role: 'admin', password_set: true, created_at: expect.any(String) });
    expect(JSON.stringify(all.body)).not.toContain('scrypt');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: Array<{ id: string }>; next_cursor: string | null } } = await call(admin, 'GET', `/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((u) => u.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all.body.data.map((u: { id: string }) => u.id));
    expect((await call(admin, 'GET', '/users?limit=0')).body.error.code).toBe('validation_failed');
    expect((await call(admin, 'GET', '/users?cursor=nope')).body.error.code).toBe('validation_failed');
  });

  it('PATCH /users/{id} sets a role (held at the user\'s next request); not one\'s own, not another organization\'s user', async () => {
    const id = await createSignInUser(cp.prisma, { organizationId: cp.organizationId, email: 'promote@example.com', password: 'promote password 1', role: 'member' });
    const them = (await signIn(cp.baseUrl, 'promote@example.com', 'promote password 1')).session!;
    expect((await call(them, 'GET', '/users')).status).toBe(403);
    expect(await call(admin, 'PATCH', `/users/${id}`, { role: 'admin' })).toMatchObject({ status: 200, body: { id, role: 'admin' } });
    expect((await call(them, 'GET', '/users')).status).toBe(200);
    expect((await call(admin, 'PATCH', `/users/${id}`, { role: 'member' })).body.role).toBe('member');
    expect((await call(admin, 'PATCH', `/users/${cp.userId}`, { role: 'member' })).body.error.code).toBe('own_account');
    expect((await call(admin, 'PATCH', `/users/${id}`, { role: 'owner' })).body.error.code).toBe('validation_failed');
    const other = await cp.prisma.organization.create({ data: { name: 'other', users: { create: { name: 'outsider', role: 'member' } } }, include: { users: true } });
    expect((await call(admin, 'PATCH', `/users/${other.users[0]!.id}`, { role: 'admin' })).body.error.code).toBe('user_not_found');
  });

  it('keeps the last admin: of two admins demoting each other at once, one is refused', async () => {
    const twoAdmins = async (name: string) => {
      const org = await cp.prisma.organization.create({ data: { name } });
      const a = await createSignInUser(cp.prisma, { organizationId: org.id, email: `a@${name}.example`, password: 'admin a password', role: 'admin' });
      const b = await createSignInUser(cp.prisma, { organizationId: org.id, email: `b@${name}.example`, password: 'admin b password', role: 'admin' });
      return { org: org.id, a, b };
    };
    // Over HTTP: the loser is refused by the role table (already demoted) or by the lock (409 last_admin).
    const http = await twoAdmins('http');
    const sa = (await signIn(cp.baseUrl, 'a@http.example', 'admin a password')).session!;
    const sb = (await signIn(cp.baseUrl, 'b@http.example', 'admin b password')).session!;
    const results = await Promise.all([call(sa, 'PATCH', `/users/${http.b}`, { role: 'member' }), call(sb, 'PATCH', `/users/${http.a}`, { role: 'member' })]);
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(['forbidden', 'last_admin']).toContain(results.find((r) => r.status !== 200)!.body.error.code);
    expect(await cp.prisma.user.count({ where: { organizationId: http.org, role: 'admin' } })).toBe(1);
    // Past the role table, concurrent demotions serialize on the organization's admins.
    for (let i = 0; i < 4; i++) {
      const { org, a, b } = await twoAdmins(`race${i}`);
      const outcomes = await Promise.allSettled([
        changeUserRole(cp.prisma, { organizationId: org, userId: b, callerId: a, role: 'member' }),
        changeUserRole(cp.prisma, { organizationId: org, userId: a, callerId: b, role: 'member' }),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: { code: 'last_admin', message: 'the organization must keep at least one admin' } });
      expect(await cp.prisma.user.count({ where: { organizationId: org, role: 'admin' } })).toBe(1);
    }
  });

  it('DELETE /users/{id} removes the user and ends its sessions; not oneself, not an owner of agents', async () => {
    const id = await createSignInUser(cp.prisma, { organizationId: cp.organizationId, email: 'leaver@example.com', password: 'leaver password 1', role: 'member' });
    const them = (await signIn(cp.baseUrl, 'leaver@example.com', 'leaver password 1')).session!;
    expect((await call(them, 'GET', '/me')).status).toBe(200);
    expect((await call(admin, 'DELETE', `/users/${id}`)).status).toBe(204);
    expect((await call(them, 'GET', '/me')).status).toBe(401);
    expect(await cp.prisma.userSession.count({ where: { userId: id } })).toBe(0);
    expect((await call(admin, 'DELETE', `/users/${id}`)).body.error.code).toBe('user_not_found');
    expect((await call(admin, 'DELETE', `/users/${cp.userId}`)).body.error.code).toBe('own_account');

    const owner = await createSignInUser(cp.prisma, { organizationId: cp.organizationId, email: 'owner@example.com', password: 'owner password 01', role: 'admin' });
    const ownerSession = (await signIn(cp.baseUrl, 'owner@example.com', 'owner password 01')).session!;
    expect((await call(ownerSession, 'POST', '/agents', { name: 'owned', engine: { type: 'echo' } })).status).toBe(201);
    const refused = await call(admin, 'DELETE', `/users/${owner}`);
    expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 409, code: 'user_owns_agents' });
  });
});
