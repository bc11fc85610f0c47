import { Router } from 'express';
import { z } from 'zod';
import { createInvitation } from '../auth/invitations.ts';
import { publicOrigin } from '../auth/request-origin.ts';
import { changeUserRole, deleteUser, listUsers } from '../auth/users.ts';
import type { ControlPlaneContext } from '../context.ts';
import type { User, UserInvitation } from '../generated/prisma/client.ts';
import { pageQuery, timeCursorAfter, timeCursorPosition } from './cursor.ts';
import { principal, validate } from './middleware.ts';
import { Role } from './roles.ts';

/** Page sizes of `GET /users`. */
export const USER_PAGE = { default: 50, max: 200 } as const;
/** Path of the console page that accepts an invitation; the token follows in the fragment (never sent to a server). */
export const ACCEPT_INVITATION_PATH = '/accept-invitation';

const RoleField = z.enum([Role.admin, Role.member]);
const InviteBody = z.strictObject({ email: z.email().max(320), role: RoleField });
const PatchBody = z.strictObject({ role: RoleField });
const ListQuery = pageQuery(USER_PAGE.max);

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

function invitationView(row: UserInvitation) {
  return { id: row.id, email: row.email, role: row.role, created_at: row.createdAt.toISOString(), expires_at: row.expiresAt.toISOString() };
}

/**
 * The people of the caller's organization (admin routes): `POST /users/invitations {email, role}` —
 * 201 with the single-use token and the console URL to accept it, shown in this response only;
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
export { InviteBody as InviteUserBody, ListQuery as ListUsersQuery, PatchBody as PatchUserBody };
