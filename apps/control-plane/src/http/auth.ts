import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { csrfTokenFor } from '../auth/csrf.ts';
import { acceptInvitation } from '../auth/invitations.ts';
import { checkPasswordPolicy, hashPassword, MAX_PASSWORD_LENGTH, verifyPassword } from '../auth/password.ts';
import { isSameOrigin, servedOverTls } from '../auth/request-origin.ts';
import { clearedSessionCookie, sessionCookie } from '../auth/session-cookie.ts';
import { openSession, revokeSession, revokeUserSessions, type OpenedSession } from '../auth/sessions.ts';
import type { SignInLimiter } from '../auth/sign-in-limiter.ts';
import { findUserByEmail, normalizeEmail } from '../auth/users.ts';
import type { ControlPlaneContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import type { User } from '../generated/prisma/client.ts';
import { principal, requestSession, sessionLifetime, validate } from './middleware.ts';
import { textGuard } from './text-guard.ts';

/** Largest body of the unauthenticated routes. */
const PUBLIC_BODY_LIMIT = '8kb';

/** Passwords are checked against the policy (`password_too_short` / `password_too_long`), not here. */
const Password = z.string().min(1).max(4 * MAX_PASSWORD_LENGTH);
const SignInBody = z.strictObject({ email: z.string().trim().min(1).max(320), password: Password });
const AcceptBody = z.strictObject({ token: z.string().min(1).max(200), name: z.string().trim().min(1).max(200), password: Password });
/** `current_password` may be left out only by a user without a password yet (API-key callers: operator-made admins). */
const PasswordBody = z.strictObject({ current_password: Password.optional(), new_password: Password });

/** `GET /me` of a signed-in person (and the answer to sign-in): the user, the session and its CSRF token. */
function sessionView(user: Pick<User, 'id' | 'organizationId' | 'role' | 'email' | 'name'>, session: { id: string; token: string }) {
  return {
    user_id: user.id,
    organization_id: user.organizationId,
    role: user.role,
    api_key_id: null,
    session_id: session.id,
    email: user.email,
    name: user.name,
    csrf_token: csrfTokenFor(session.token),
  };
}

/** Where the sign-in limiter counts a request from (the socket's address; no proxy header is trusted). */
function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'local';
}

/** 429 `too_many_sign_in_attempts` with `Retry-After` while the pair is locked out. */
function refuseWhileLocked(limiter: SignInLimiter, res: Response, email: string, address: string): void {
  const retryAfterMs = limiter.retryAfterMs(email, address);
  if (retryAfterMs <= 0) return;
  res.setHeader('Retry-After', String(Math.ceil(retryAfterMs / 1000)));
  throw new ApiError('too_many_sign_in_attempts', 'too many failed sign-in attempts; try again later');
}

/** Sets the session cookie on `res` (never cached: the body carries the CSRF token). */
function setSessionCookie(ctx: ControlPlaneContext, req: Request, res: Response, session: OpenedSession): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Set-Cookie', sessionCookie(session.token, { secure: servedOverTls(req, ctx.config.publicUrl), maxAgeMs: ctx.config.sessionMaxAgeMs }));
}

/**
 * The unauthenticated sign-in routes, mounted before authentication (`PUBLIC_ROUTES` in roles.ts):
 * `POST /auth/sign-in {email, password}` — 200 with the session cookie and its CSRF token; 401
 * `invalid_credentials` for an unknown email, a wrong password or a user without one alike (the
 * same scrypt work each time); 429 `too_many_sign_in_attempts` (with `Retry-After`) after repeated
 * failures of one email from one address — and `POST /auth/accept-invitation {token, name, password}`
 * — 201, the invited user created in the inviting organization and signed in. Both refuse another
 * site's `Origin` (403 `origin_not_allowed`).
 */
export function publicAuthRoutes(ctx: ControlPlaneContext, limiter: SignInLimiter): Router {
  const router = Router();
  const json = express.json({ limit: PUBLIC_BODY_LIMIT });

  // A page of another site must not sign a browser in (to an account of the attacker's choosing).
  const sameOrigin = (req: Request, _res: Response, next: NextFunction): void => {
    if (!isSameOrigin(req, ctx.config.publicUrl)) throw new ApiError('origin_not_allowed', 'cross-origin sign-in is not allowed');
    next();
  };

  router.post('/auth/sign-in', sameOrigin, json, textGuard, async (req, res) => {
    const body = validate(SignInBody, req.body);
    if ([...body.password].length > MAX_PASSWORD_LENGTH) checkPasswordPolicy(body.password);
    const email = normalizeEmail(body.email);
    const address = clientAddress(req);
    refuseWhileLocked(limiter, res, email, address);
    // Counted as failed until it succeeds, so concurrent guesses are bounded too.
    limiter.fail(email, address);
    const user = await findUserByEmail(ctx.prisma, email);
    if (!(await verifyPassword(body.password, user?.passwordHash)) || !user) {
      ctx.logger.info({ user_id: user?.id ?? null }, 'sign-in refused');
      throw new ApiError('invalid_credentials', 'wrong email or password');
    }
    limiter.succeed(email, address);
    const session = await openSession(ctx.prisma, user.id, sessionLifetime(ctx));
    ctx.logger.info({ user_id: user.id, session_id: session.id }, 'signed in');
    setSessionCookie(ctx, req, res, session);
    res.json(sessionView(user, session));
  });

  router.post('/auth/accept-invitation', sameOrigin, json, textGuard, async (req, res) => {
    const body = validate(AcceptBody, req.body);
    checkPasswordPolicy(body.password);
    const { user, session } = await acceptInvitation(ctx.prisma, {
      token: body.token,
      name: body.name,
      passwordHash: await hashPassword(body.password),
      lifetime: sessionLifetime(ctx),
    });
    ctx.logger.info({ user_id: user.id, organization_id: user.organizationId, role: user.role, session_id: session.id }, 'invitation accepted');
    setSessionCookie(ctx, req, res, session);
    res.status(201).json(sessionView(user, session));
  });

  return router;
}

/**
 * The signed-in routes (authenticated, after the JSON parser): `GET /me` (an API key's caller, or
 * the signed-in user with its session and CSRF token), `POST /auth/sign-out` (revokes the session,
 * clears the cookie; 204) and `POST /me/password {current_password, new_password}` (revokes the
 * user's other sessions; 422 `wrong_password`, `password_unchanged`, `password_too_*`). A user
 * without a password yet (an admin the operator created) sets one without `current_password`.
 */
export function authRoutes(ctx: ControlPlaneContext, limiter: SignInLimiter): Router {
  const router = Router();

  router.get('/me', async (_req, res) => {
    const me = principal(res);
    const session = requestSession(res);
    if (!session) {
      res.json({ user_id: me.userId, organization_id: me.organizationId, role: me.role, api_key_id: me.apiKeyId });
      return;
    }
    const user = await ctx.prisma.user.findUniqueOrThrow({ where: { id: me.userId } });
    res.setHeader('Cache-Control', 'no-store');
    res.json(sessionView({ ...user, role: me.role }, session));
  });

  router.post('/auth/sign-out', async (req, res) => {
    const session = requestSession(res);
    if (session) {
      await revokeSession(ctx.prisma, session.id);
      ctx.logger.info({ user_id: principal(res).userId, session_id: session.id }, 'signed out');
    }
    res.setHeader('Set-Cookie', clearedSessionCookie({ secure: servedOverTls(req, ctx.config.publicUrl) }));
    res.status(204).end();
  });

  router.post('/me/password', async (req, res) => {
    const body = validate(PasswordBody, req.body);
    checkPasswordPolicy(body.new_password, 'new_password');
    const me = principal(res);
    const user = await ctx.prisma.user.findUniqueOrThrow({ where: { id: me.userId } });
    // Guessing the current password through a stolen session counts as failed sign-ins.
    const email = user.email ?? user.id;
    const address = clientAddress(req);
    refuseWhileLocked(limiter, res, email, address);
    if (user.passwordHash !== null || body.current_password !== undefined) {
      if (body.current_password === undefined) throw new ApiError('validation_failed', 'current_password: required');
      limiter.fail(email, address);
      if (!(await verifyPassword(body.current_password, user.passwordHash))) throw new ApiError('wrong_password', 'current_password is wrong');
      limiter.succeed(email, address);
      if (body.new_password === body.current_password) throw new ApiError('password_unchanged', 'new_password must differ from current_password');
    }
    const passwordHash = await hashPassword(body.new_password);
    const revoked = await ctx.prisma.$transaction(async (tx) => {
      await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
      return revokeUserSessions(tx, user.id, me.sessionId);
    });
    ctx.logger.info({ user_id: user.id, session_id: me.sessionId, api_key_id: me.apiKeyId, revoked_sessions: revoked }, 'password changed');
    res.json({ revoked_sessions: revoked });
  });

  return router;
}

/** The request schemas, for the OpenAPI document. */
export { AcceptBody as AcceptInvitationBody, PasswordBody, SignInBody };
