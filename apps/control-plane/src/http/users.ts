import { Router } from 'express';
import { z } from 'zod';
import { createInvitation, INVITATION_STATES, invitationState, listInvitations, revokeInvitation, type ListedInvitation } from '../auth/invitations.ts';
import { publicOrigin } from '../auth/request-origin.ts';
import { changeUserRole, deleteUser, listUsers } from '../auth/users.ts';
import type { ControlPlaneContext } from '../context.ts';
import type { User } from '../generated/prisma/client.ts';
import { pageQuery, timeCursorAfter, timeCursorPosition } from './cursor.ts';
import { principal, validate } from './middleware.ts';
import { Role } from './roles.ts';

/** Page sizes of `GET /users`. */
export const USER_PAGE = { default: 50, max: 200 } as const;
/** Page sizes of `GET /users/invitations`. */
export const INVITATION_PAGE = { default: 50, max: 200 } as const;
/** Path of the console page that accepts an invitation; the token follows in the fragment (never sent to a server). */
export const ACCEPT_INVITATION_PATH = '/accept-invitation';

const RoleField = z.enum([Role.admin, Role.member]);
const InviteBody = z.strictObject({ email: z.email().max(320), role: RoleField });
const PatchBody = z.strictObject({ role: RoleField });
const ListQuery = pageQuery(USER_PAGE.max);
const ListInvitationsQuery = pageQuery(INVITATION_PAGE.max).extend({ state: z.enum(INVITATION_STATES).optional() });

/** REST shape of a user: never its password hash, only whether one is set. */
export function userView(row: User) {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    password_set: row.passwordHash !== null,
    created_at: row.createdAt.toISOString(),
  };
}

/** REST shape of an invitation: never its token or the token's hash. */
function invitationView(row: ListedInvitation, now: Date = new Date()) {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    state: invitationState(row, now),
    invited_by_id: row.invitedById,
    invited_by_email: row.invitedBy?.email ?? null,
    created_at: row.createdAt.toISOString(),
    expires_at: row.expiresAt.toISOString(),
    accepted_at: row.acceptedAt?.toISOString() ?? null,
    revoked_at: row.revokedAt?.toISOString() ?? null,
  };
}

/**
 * The people of the caller's organization (admin routes): `POST /users/invitations {email, role}` —
 * 201 with the single-use token and the console URL to accept it, shown in this response only;
 * `GET /users/invitations` (newest first, opaque cursor, `state` filter); `DELETE
 * /users/invitations/{id}` (revokes a pending or expired one: 204; 409 `invitation_accepted`);
 * `GET /users` (oldest first, opaque cursor); `PATCH /users/{id} {role}`; `DELETE /users/{id}`. The
 * caller cannot change or remove itself (409 `own_account`), nor demote or remove the last admin
 * (409 `last_admin`). A role change holds at the user's next request, for sessions and API keys alike.
 */
export function userRoutes(ctx: ControlPlaneContext): Router {
  const router = Router();

  router.post('/users/invitations', async (req, res) => {
    const body = validate(InviteBody, req.body);
    const me = principal(res);
    const { row, token } = await createInvitation(ctx.prisma, { organizationId: me.organizationId, invitedById: me.userId, email: body.email, role: body.role });
    ctx.logger.info({ invitation_id: row.id, role: row.role, by_user_id: me.userId }, 'user invited');
    const origin = publicOrigin(ctx.config.publicUrl);
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json({
      ...invitationView(row),
      token,
      invitation_url: origin ? `${origin}${ACCEPT_INVITATION_PATH}#token=${encodeURIComponent(token)}` : null,
    });
  });

  router.get('/users/invitations', async (req, res) => {
    const query = validate(ListInvitationsQuery, req.query);
    const now = new Date();
    const page = await listInvitations(ctx.prisma, principal(res).organizationId, {
      limit: query.limit ?? INVITATION_PAGE.default,
      after: timeCursorPosition(query.cursor),
      state: query.state,
      now,
    });
    res.json({
      data: page.rows.map((row) => invitationView(row, now)),
      next_cursor: page.next ? timeCursorAfter(page.next) : null,
    });
  });

  router.delete('/users/invitations/:id', async (req, res) => {
    const me = principal(res);
    const { row, changed } = await revokeInvitation(ctx.prisma, { organizationId: me.organizationId, id: req.params.id });
    if (changed) ctx.logger.info({ invitation_id: row.id, by_user_id: me.userId }, 'invitation revoked');
    res.status(204).end();
  });

  router.get('/users', async (req, res) => {
    const query = validate(ListQuery, req.query);
    const page = await listUsers(ctx.prisma, principal(res).organizationId, {
      limit: query.limit ?? USER_PAGE.default,
      after: timeCursorPosition(query.cursor),
    });
    res.json({
      data: page.rows.map(userView),
      next_cursor: page.next ? timeCursorAfter(page.next) : null,
    });
  });

  router.patch('/users/:id', async (req, res) => {
    const body = validate(PatchBody, req.body);
    const me = principal(res);
    const user = await changeUserRole(ctx.prisma, { organizationId: me.organizationId, userId: req.params.id, callerId: me.userId, role: body.role });
    ctx.logger.info({ user_id: user.id, role: user.role, by_user_id: me.userId }, 'user role set');
    res.json(userView(user));
  });

  router.delete('/users/:id', async (req, res) => {
    const me = principal(res);
    const user = await deleteUser(ctx.prisma, { organizationId: me.organizationId, userId: req.params.id, callerId: me.userId });
    ctx.logger.info({ user_id: user.id, by_user_id: me.userId }, 'user removed');
    res.status(204).end();
  });

  return router;
}

/** The request schemas, for the OpenAPI document. */
export { InviteBody as InviteUserBody, ListInvitationsQuery, ListQuery as ListUsersQuery, PatchBody as PatchUserBody };
