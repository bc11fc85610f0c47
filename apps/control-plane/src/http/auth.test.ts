import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfTokenFor } from '../auth/csrf.ts';
import { hashToken } from '../auth/tokens.ts';
import { createApiKey } from '../db/api-keys.ts';
import { DEFAULT_BOOTSTRAP_EMAIL, ensureBootstrap } from '../db/bootstrap.ts';
import { createPrisma } from '../db/prisma.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { createSignInUser, sessionRequest, signIn, type BrowserSession } from '../testing/session.ts';

let server: TestPostgres;
let cp: TestControlPlane;
/** A replica on the same database reached at an https public URL (cookies `Secure`). */
let tlsReplica: TestControlPlane;

const ADMIN_PASSWORD = 'admin password 0001';
const MEMBER_EMAIL = 'member@example.com';
const MEMBER_PASSWORD = 'member password 0001';
const PUBLIC_URL = 'wss://voice.example.com';

beforeAll(async () => {
  server = await startTestPostgres();
  const databaseUrl = await server.createDatabase();
  cp = await startTestControlPlane({ databaseUrl });
  tlsReplica = await startTestControlPlane({ databaseUrl, secretKey: cp.secretKey, config: { publicUrl: PUBLIC_URL } });
  await createSignInUser(cp.prisma, { organizationId: cp.organizationId, email: DEFAULT_BOOTSTRAP_EMAIL, password: ADMIN_PASSWORD, role: 'admin' });
  await createSignInUser(cp.prisma, { organizationId: cp.organizationId, email: MEMBER_EMAIL, password: MEMBER_PASSWORD, role: 'member' });
});
afterAll(async () => {
  await tlsReplica?.close();
  await cp?.close();
  await server?.stop();
});

async function session(email = DEFAULT_BOOTSTRAP_EMAIL, password = ADMIN_PASSWORD, on: TestControlPlane = cp): Promise<BrowserSession> {
  const res = await signIn(on.baseUrl, email, password);
  expect(res.status).toBe(200);
  return res.session!;
}
const call = (s: BrowserSession, method: string, path: string, body?: unknown, options?: Parameters<typeof sessionRequest>[5]) =>
  sessionRequest(cp.baseUrl, s, method, path, body, options);

describe('POST /auth/sign-in', () => {
  it('opens a session: HttpOnly SameSite=Strict cookie, the user and a CSRF token; only the token hash is stored', async () => {
    const res = await signIn(cp.baseUrl, ' Admin@LOCALHOST ', ADMIN_PASSWORD);
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^vr3_session=vr3s_[\w-]{43}; Path=\/; Max-Age=604800; HttpOnly; SameSite=Strict$/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const token = /^vr3_session=([^;]+)/.exec(setCookie)![1]!;
    expect(res.body).toEqual({
      user_id: cp.userId,
      organization_id: cp.organizationId,
      role: 'admin',
      api_key_id: null,
      session_id: expect.any(String),
      email: DEFAULT_BOOTSTRAP_EMAIL,
      name: 'Administrator',
      csrf_token: csrfTokenFor(token),
    });
    const row = await cp.prisma.userSession.findUniqueOrThrow({ where: { id: res.body.session_id } });
    expect(row).toMatchObject({ userId: cp.userId, tokenHash: hashToken(token), revokedAt: null });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(7 * 24 * 3_600_000);
    expect(JSON.stringify(await cp.prisma.userSession.findMany())).not.toContain(token);
    // The cookie authenticates: GET /me answers the same user and CSRF token.
    const me = await call(res.session!, 'GET', '/me', undefined, { csrf: null });
    expect(me).toMatchObject({ status: 200, body: res.body });
  });

  it('marks the cookie Secure when the product is reached over TLS', async () => {
    const res = await signIn(tlsReplica.baseUrl, DEFAULT_BOOTSTRAP_EMAIL, ADMIN_PASSWORD);
    expect(res.headers.get('set-cookie')).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
  });

  it('401 invalid_credentials alike for a wrong password, an unknown email and a user without a password', async () => {
    await cp.prisma.user.create({ data: { organizationId: cp.organizationId, email: 'nopassword@example.com', name: 'no password', role: 'admin' } });
    const refused = { status: 401, body: { error: { code: 'invalid_credentials', message: 'wrong email or password' } } };
    for (const [email, password] of [
      [DEFAULT_BOOTSTRAP_EMAIL, 'wrong password 0001'],
      ['nobody@example.com', ADMIN_PASSWORD],
      ['nopassword@example.com', ADMIN_PASSWORD],
    ] as const) {
      const res = await signIn(cp.baseUrl, email, password);
      expect({ email, res: { status: res.status, body: res.body } }).toEqual({ email, res: refused });
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });

  it('refuses a sign-in from another site\'s page (403 origin_not_allowed), accepts one from its own', async () => {
    const post = (origin: string) =>
      fetch(`${cp.baseUrl}/api/v1/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ email: DEFAULT_BOOTSTRAP_EMAIL, password: ADMIN_PASSWORD }),
      });
    const foreign = await post('https://evil.example');
    expect({ status: foreign.status, body: await foreign.json(), cookie: foreign.headers.get('set-cookie') }).toEqual({
      status: 403,
      body: { error: { code: 'origin_not_allowed', message: 'cross-origin sign-in is not allowed' } },
      cookie: null,
    });
    expect((await post(cp.baseUrl)).status).toBe(200);
  });

  it('answers 400 / 422 to a malformed body', async () => {
    const post = (body: unknown) => fetch(`${cp.baseUrl}/api/v1/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    for (const body of [{}, { email: 'a@b.c' }, { email: '', password: 'x' }, { email: 'a@b.c', password: 'x', extra: 1 }]) {
      const res = await post(body);
      expect({ body, status: res.status, code: ((await res.json()) as { error: { code: string } }).error.code }).toEqual({ body, status: 400, code: 'validation_failed' });
    }
    const long = await post({ email: 'a@b.c', password: 'x'.repeat(257) });
    expect({ status: long.status, body: await long.json() }).toEqual({ status: 422, body: { error: { code: 'password_too_long', message: 'password must be at most 256 characters' } } });
  });

  it('429 with Retry-After after 5 failures of one email from one address, the right password included; other emails unaffected', async () => {
    const email = 'limited@example.com';
    await createSignInUser(cp.prisma, { organizationId: cp.organizationId, email, password: 'limited password 01', role: 'member' });
    for (let i = 0; i < 5; i++) expect((await signIn(cp.baseUrl, email, `wrong password ${i}xx`)).status).toBe(401);
    const locked = await signIn(cp.baseUrl, email, 'limited password 01');
    expect({ status: locked.status, body: locked.body }).toEqual({
      status: 429,
      body: { error: { code: 'too_many_sign_in_attempts', message: 'too many failed sign-in attempts; try again later' } },
    });
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
    expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(900);
    expect((await signIn(cp.baseUrl, MEMBER_EMAIL, MEMBER_PASSWORD)).status).toBe(200);
  });

  it('bounds concurrent guesses too: of 8 parallel wrong attempts, 5 are checked and 3 refused 429', async () => {
    const email = 'parallel@example.com';
    await createSignInUser(cp.prisma, { organizationId: cp.organizationId, email, password: 'parallel password 1', role: 'member' });
    const statuses = await Promise.all(Array.from({ length: 8 }, (_, i) => signIn(cp.baseUrl, email, `parallel guess ${i}xx`).then((r) => r.status)));
    expect(statuses.sort()).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
  });

  it('never logs a password or a session token', async () => {
    const res = await signIn(cp.baseUrl, MEMBER_EMAIL, MEMBER_PASSWORD);
    await signIn(cp.baseUrl, MEMBER_EMAIL, 'a wrong password here');
    const log = cp.logLines.join('\n');
    expect(log).toContain('signed in');
    expect(log).toContain('sign-in refused');
    for (const secret of [MEMBER_PASSWORD, 'a wrong password here', ADMIN_PASSWORD, res.session!.cookie.split('=')[1]!, res.session!.csrfToken]) {
      expect(log).not.toContain(secret);
    }
  });
});

describe('session-authenticated requests', () => {
  it('CSRF: an unsafe request needs the X-CSRF-Token header and a same-site Origin; safe ones do not', async () => {
    const s = await session();
    const body = { name: 'from the console', role: 'member' };
    expect(await call(s, 'POST', '/api-keys', body, { csrf: null })).toMatchObject({
      status: 403,
      body: { error: { code: 'csrf_token_invalid', message: 'missing or wrong X-CSRF-Token header' } },
    });
    expect((await call(s, 'POST', '/api-keys', body, { csrf: csrfTokenFor('vr3s_another_session_token_value') })).body.error.code).toBe('csrf_token_invalid');
    for (const origin of ['https://evil.example', 'null', `http://127.0.0.1.evil.example`]) {
      expect({ origin, res: (await call(s, 'POST', '/api-keys', body, { origin })).body }).toEqual({
        origin,
        res: { error: { code: 'origin_not_allowed', message: 'cross-origin requests are not allowed with a session cookie' } },
      });
    }
    expect(await cp.prisma.apiKey.count({ where: { name: 'from the console' } })).toBe(0);
    expect((await call(s, 'POST', '/api-keys', body, { origin: cp.baseUrl })).status).toBe(201);
    expect((await call(s, 'POST', '/api-keys', body)).status).toBe(201);
    expect((await call(s, 'GET', '/api-keys', undefined, { csrf: null })).status).toBe(200);
    // The public base URL is an origin of its own (a console served behind the load balancer).
    const tls = await session(DEFAULT_BOOTSTRAP_EMAIL, ADMIN_PASSWORD, tlsReplica);
    expect((await sessionRequest(tlsReplica.baseUrl, tls, 'POST', '/api-keys', body, { origin: 'https://voice.example.com' })).status).toBe(201);
    expect((await sessionRequest(tlsReplica.baseUrl, tls, 'POST', '/api-keys', body, { origin: 'https://other.example.com' })).status).toBe(403);
  });

  it('Bearer API keys are unaffected: no CSRF header needed, a cookie alongside is ignored', async () => {
    const res = await fetch(`${cp.baseUrl}/api/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cp.apiKey}`, 'content-type': 'application/json', origin: 'https://evil.example', cookie: 'vr3_session=vr3s_not_a_session_at_all_000' },
      body: JSON.stringify({ name: 'machine', role: 'member' }),
    });
    expect(res.status).toBe(201);
    expect((await cp.api('GET', '/me')).body.api_key_id).toEqual(expect.any(String));
  });

  it('a member\'s session is refused admin routes through the same role table, and may use member routes', async () => {
    const s = await session(MEMBER_EMAIL, MEMBER_PASSWORD);
    expect(s.me).toMatchObject({ role: 'member', email: MEMBER_EMAIL });
    const forbidden = { status: 403, body: { error: { code: 'forbidden', message: 'this route needs the admin role' } } };
    for (const [method, path, body] of [
      ['GET', '/api-keys', undefined],
      ['POST', '/api-keys', { name: 'x', role: 'member' }],
      ['PUT', `/users/${cp.userId}/quota`, { max_concurrent_calls: 1, monthly_call_seconds: null }],
      ['GET', '/service-credentials', undefined],
      ['POST', '/users/invitations', { email: 'x@example.com', role: 'admin' }],
      ['GET', '/users', undefined],
    ] as const) {
      const res = await call(s, method, path, body);
      expect({ method, path, res: { status: res.status, body: res.body } }).toEqual({ method, path, res: forbidden });
    }
    expect((await call(s, 'GET', '/agents')).status).toBe(200);
    // A role change holds at the next request.
    await cp.prisma.user.update({ where: { email: MEMBER_EMAIL }, data: { role: 'admin' } });
    expect((await call(s, 'GET', '/api-keys')).status).toBe(200);
    await cp.prisma.user.update({ where: { email: MEMBER_EMAIL }, data: { role: 'member' } });
    expect((await call(s, 'GET', '/api-keys')).status).toBe(403);
  });

  it('ends idle sessions and sessions past their lifetime, clearing the cookie', async () => {
    const idle = await session();
    await cp.prisma.userSession.update({ where: { id: idle.me.session_id }, data: { lastSeenAt: new Date(Date.now() - 8 * 3_600_000 - 60_000) } });
    const res = await call(idle, 'GET', '/me');
    expect({ status: res.status, body: res.body }).toEqual({ status: 401, body: { error: { code: 'unauthorized', message: 'session expired or signed out' } } });
    expect(res.headers.get('set-cookie')).toBe('vr3_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict');
    const old = await session();
    await cp.prisma.userSession.update({ where: { id: old.me.session_id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    expect((await call(old, 'GET', '/me')).status).toBe(401);
    // In use: last_seen_at is refreshed (at most once a minute), keeping an active session alive.
    const active = await session();
    await cp.prisma.userSession.update({ where: { id: active.me.session_id }, data: { lastSeenAt: new Date(Date.now() - 7 * 3_600_000) } });
    expect((await call(active, 'GET', '/me')).status).toBe(200);
    await expect.poll(async () => (await cp.prisma.userSession.findUniqueOrThrow({ where: { id: active.me.session_id } })).lastSeenAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('POST /auth/sign-out revokes the session on every replica and clears the cookie', async () => {
    const s = await session();
    expect((await call(s, 'POST', '/auth/sign-out', undefined, { csrf: null })).status).toBe(403);
    const out = await call(s, 'POST', '/auth/sign-out');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toBe('vr3_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict');
    expect((await call(s, 'GET', '/me')).status).toBe(401);
    expect((await sessionRequest(tlsReplica.baseUrl, s, 'GET', '/me')).status).toBe(401);
    expect((await cp.prisma.userSession.findUniqueOrThrow({ where: { id: s.me.session_id } })).revokedAt).not.toBeNull();
  });
});

describe('POST /me/password', () => {
  it('changes the password and revokes the user\'s other sessions, keeping the caller\'s', async () => {
    const email = 'changer@example.com';
    const before = 'password before 01';
    const after = 'password after 0001';
    await createSignInUser(cp.prisma, { organizationId: cp.organizationId, email, password: before, role: 'member' });
    const mine = await session(email, before);
    const other = await session(email, before);
    const res = await call(mine, 'POST', '/me/password', { current_password: before, new_password: after });
    expect(res).toMatchObject({ status: 200, body: { revoked_sessions: 1 } });
    expect((await call(mine, 'GET', '/me')).status).toBe(200);
    expect((await call(other, 'GET', '/me')).status).toBe(401);
    expect((await signIn(cp.baseUrl, email, before)).status).toBe(401);
    expect((await signIn(cp.baseUrl, email, after)).status).toBe(200);
    expect(cp.logLines.join('\n')).not.toContain(after);
  });

  it('422 with precise codes', async () => {
    const email = 'careful@example.com';
    const password = 'careful password 1';
    await createSignInUser(cp.prisma, { organizationId: cp.organizationId, email, password, role: 'member' });
    const s = await session(email, password);
    for (const [body, code] of [
      [{ current_password: 'not it at all 0001', new_password: 'a new password 01' }, 'wrong_password'],
      [{ current_password: password, new_password: 'short' }, 'password_too_short'],
      [{ current_password: password, new_password: 'x'.repeat(257) }, 'password_too_long'],
      [{ current_password: password, new_password: password }, 'password_unchanged'],
    ] as const) {
      const res = await call(s, 'POST', '/me/password', body);
      expect({ code, status: res.status, got: res.body.error.code }).toEqual({ code, status: 422, got: code });
    }
    expect((await call(s, 'POST', '/me/password', { new_password: 'a new password 01' })).body).toEqual({ error: { code: 'validation_failed', message: 'current_password: required' } });
    expect((await signIn(cp.baseUrl, email, password)).status).toBe(200);
  });

  it('a user without a password (an operator-made admin, API key) sets its first one without current_password', async () => {
    const user = await cp.prisma.user.create({ data: { organizationId: cp.organizationId, email: 'operator-made@example.com', name: 'ops', role: 'admin' } });
    const { key } = await createApiKey(cp.prisma, { organizationId: cp.organizationId, userId: user.id, name: 'first admin key', role: 'admin' });
    expect((await signIn(cp.baseUrl, 'operator-made@example.com', 'first password 001')).status).toBe(401);
    expect(await cp.api('POST', '/me/password', { new_password: 'first password 001' }, key)).toEqual({ status: 200, body: { revoked_sessions: 0 } });
    expect((await signIn(cp.baseUrl, 'operator-made@example.com', 'first password 001')).status).toBe(200);
    // Once set, the current one is required, with an API key too.
    expect((await cp.api('POST', '/me/password', { new_password: 'second password 01' }, key)).body.error.message).toBe('current_password: required');
    expect((await cp.api('POST', '/me/password', { current_password: 'first password 001', new_password: 'second password 01' }, key)).body).toEqual({ revoked_sessions: 1 });
  });
});

describe('bootstrap admin', () => {
  it('signs in with the password given at first start (VR3_BOOTSTRAP_PASSWORD)', async () => {
    const databaseUrl = await server.createDatabase();
    const prisma = createPrisma(databaseUrl);
    try {
      await ensureBootstrap(prisma, { adminPassword: 'bootstrap password 1' });
    } finally {
      await prisma.$disconnect();
    }
    const fresh = await startTestControlPlane({ databaseUrl });
    try {
      expect((await signIn(fresh.baseUrl, DEFAULT_BOOTSTRAP_EMAIL, 'bootstrap password 2')).status).toBe(401);
      const res = await signIn(fresh.baseUrl, DEFAULT_BOOTSTRAP_EMAIL, 'bootstrap password 1');
      expect(res).toMatchObject({ status: 200, body: { role: 'admin', user_id: fresh.userId, email: DEFAULT_BOOTSTRAP_EMAIL } });
    } finally {
      await fresh.close();
    }
  });
});
