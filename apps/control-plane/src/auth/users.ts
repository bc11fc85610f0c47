import type { Prisma, User, UserRole } from '../generated/prisma/client.ts';
import type { Db } from '../db/prisma.ts';
import { ApiError } from '../errors.ts';

/** Emails are stored and looked up lower-cased and trimmed. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The user signing in with `email` (normalized), or null. */
export async function findUserByEmail(db: Db, email: string): Promise<User | null> {
  return db.user.findUnique({ where: { email: normalizeEmail(email) } });
}

/** Where a page of {@link listUsers} starts: after this user (oldest first). */
export interface UserCursor {
  createdAt: Date;
  id: string;
}

/** One page of an organization's users, oldest first; `next` is set when more follow. */
export async function listUsers(db: Db, organizationId: string, page: { limit: number; after?: UserCursor | undefined }): Promise<{ rows: User[]; next: UserCursor | null }> {
  const where: Prisma.UserWhereInput = { organizationId };
  if (page.after) where.OR = [{ createdAt: { gt: page.after.createdAt } }, { createdAt: page.after.createdAt, id: { gt: page.after.id } }];
  const found = await db.user.findMany({ where, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: page.limit + 1 });
  const rows = found.slice(0, page.limit);
  const last = rows[rows.length - 1];
  return { rows, next: found.length > page.limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}

/**
 * Locks the admins of `organizationId` (FOR UPDATE) and the target user, in `tx`: concurrent role
 * changes and removals of one organization run one after the other, so two admins demoting each
 * other cannot leave it without one. 404 `user_not_found` (other organizations' users included),
 * 409 `own_account` when the caller targets itself.
 */
async function lockForAdminChange(tx: Prisma.TransactionClient, organizationId: string, userId: string, callerId: string): Promise<{ user: User; admins: number }> {
  if (userId === callerId) throw new ApiError('own_account', 'you cannot change or remove your own account here');
  const admins = await tx.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "users" WHERE "organization_id" = ${organizationId} AND "role" = 'admin' ORDER BY "id" FOR UPDATE`;
  const user = await tx.user.findFirst({ where: { id: userId, organizationId } });
  if (!user) throw new ApiError('user_not_found', 'user not found');
  return { user, admins: admins.length };
}

const lastAdmin = () => new ApiError('last_admin', 'the organization must keep at least one admin');

/** Sets the role of user `userId` of `organizationId`; 409 `last_admin` when that would leave no admin. */
export async function changeUserRole(db: Db, input: { organizationId: string; userId: string; callerId: string; role: UserRole }): Promise<User> {
  return db.$transaction(async (tx) => {
    const { user, admins } = await lockForAdminChange(tx, input.organizationId, input.userId, input.callerId);
    if (user.role === input.role) return user;
    if (user.role === 'admin' && admins <= 1) throw lastAdmin();
    return tx.user.update({ where: { id: user.id }, data: { role: input.role } });
  });
}

/**
 * Removes user `userId` of `organizationId` with its sessions, API keys and quota (cascade). 409
 * `last_admin` for the organization's last admin, 409 `user_owns_agents` while agents (and their
 * runs) are charged to the user.
 */
export async function deleteUser(db: Db, input: { organizationId: string; userId: string; callerId: string }): Promise<User> {
  return db.$transaction(async (tx) => {
    const { user, admins } = await lockForAdminChange(tx, input.organizationId, input.userId, input.callerId);
    if (user.role === 'admin' && admins <= 1) throw lastAdmin();
    const owned = (await tx.agent.count({ where: { userId: user.id } })) + (await tx.workflowRun.count({ where: { userId: user.id } }));
    if (owned > 0) throw new ApiError('user_owns_agents', 'the user owns agents or runs and cannot be removed');
    await tx.user.delete({ where: { id: user.id } });
    return user;
  });
}
