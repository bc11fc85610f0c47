import { hashPassword } from '../auth/password.ts';
import type { Db } from '../db/prisma.ts';
import type { UserRole } from '../generated/prisma/client.ts';

/** An HTTP answer with its headers. */
export interface SessionAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A signed-in browser: the session cookie and the CSRF token sign-in answered. */
export interface BrowserSession {
  cookie: string;
  csrfToken: string;
  me: any;
}

/** Options of one {@link sessionRequest}. */
export interface SessionRequestOptions {
  /** `X-CSRF-Token` to send; default the session's, `null` sends none. */
  csrf?: string | null;
  /** `Origin` header to send, if any. */
  origin?: string;
  headers?: Record<string, string>;
}

async function send(url: string, method: string, body: unknown, headers: Record<string, string>): Promise<SessionAnswer> {
  const init: RequestInit = { method, headers: { ...headers }, redirect: 'manual' };
  if (body !== undefined) {
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** `POST /api/v1/auth/sign-in`; the session when it answered 200. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<SessionAnswer & { session?: BrowserSession }> {
  const res = await send(`${baseUrl}/api/v1/auth/sign-in`, 'POST', { email, password }, {});
  const cookie = /^(vr3_session=[^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  if (res.status !== 200 || !cookie) return res;
  return { ...res, session: { cookie, csrfToken: res.body.csrf_token, me: res.body } };
}

/** Calls `/api/v1{path}` as the browser of `session` would (cookie, CSRF header unless told otherwise). */
export function sessionRequest(baseUrl: string, session: Pick<BrowserSession, 'cookie' | 'csrfToken'>, method: string, path: string, body?: unknown, options: SessionRequestOptions = {}) {
  const headers: Record<string, string> = { cookie: session.cookie, ...options.headers };
  const csrf = options.csrf === undefined ? session.csrfToken : options.csrf;
  if (csrf !== null) headers['x-csrf-token'] = csrf;
  if (options.origin !== undefined) headers['origin'] = options.origin;
  return send(`${baseUrl}/api/v1${path}`, method, body, headers);
}

/** Creates (or updates) a user of `organizationId` who can sign in with `email` and `password`. */
export async function createSignInUser(db: Db, input: { organizationId: string; email: string; password: string; role: UserRole; name?: string }): Promise<string> {
  const passwordHash = await hashPassword(input.password);
  const email = input.email.toLowerCase();
  const user = await db.user.upsert({
    where: { email },
    create: { organizationId: input.organizationId, email, name: input.name ?? email, role: input.role, passwordHash },
    update: { role: input.role, passwordHash },
  });
  return user.id;
}
