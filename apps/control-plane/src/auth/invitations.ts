import type { Db } from '../db/prisma.ts';
import { ApiError } from '../errors.ts';
import { Prisma, type User, type UserInvitation, type UserRole } from '../generated/prisma/client.ts';
import { openSession, type OpenedSession, type SessionLifetime } from './sessions.ts';
import { generateToken, hashToken, INVITATION_TOKEN_PREFIX } from './tokens.ts';
import { normalizeEmail } from './users.ts';

/** How long an invitation may be accepted, in milliseconds (7 days). */
export const INVITATION_TTL_MS = 7 * 24 * 3_600_000;

/** An invitation with the email of the user who made it (`invitedBy` null once that user is removed). */
export type ListedInvitation = UserInvitation & { invitedBy: { email: string | null } | null };
const INVITED_BY = { invitedBy: { select: { email: true } } } as const;

const invitationRevoked = () => new ApiError('invitation_revoked', 'this invitation was revoked; ask an admin for a new one');
const emailTaken = (cause?: unknown) => new ApiError('email_taken', 'a user with this email already exists', cause === undefined ? {} : { cause });

/** An invitation just made: `token` exists only here (only its hash is stored). */
export interface CreatedInvitation {
  row: ListedInvitation;
  token: string;
}

/**
 * Invites `email` into `organizationId` with `role`, acceptable once within `ttlMs`. 409
 * `email_taken` when a user already has the email (emails are unique across organizations).
 */
export async function createInvitation(
  db: Db,
  input: { organizationId: string; invitedById: string; email: string; role: UserRole; ttlMs?: number },
): Promise<CreatedInvitation> {
  const email = normalizeEmail(input.email);
  if (await db.user.findUnique({ where: { email }, select: { id: true } })) throw emailTaken();
  const token = generateToken(INVITATION_TOKEN_PREFIX);
  const createdAt = new Date();
  const row = await db.userInvitation.create({
    data: {
      organizationId: input.organizationId,
      invitedById: input.invitedById,
      email,
      role: input.role,
      tokenHash: hashToken(token),
      createdAt,
      expiresAt: new Date(createdAt.getTime() + (input.ttlMs ?? INVITATION_TTL_MS)),
    },
    include: INVITED_BY,
  });
  return { row, token };
}

/** A user created from an invitation, signed in. */
export interface AcceptedInvitation {
  user: User;
  session: OpenedSession;
}

/**
 * Accepts invitation `token` once, in one transaction: creates the user (the invitation's email,
 * organization and role, `passwordHash`) and opens its session. 404 `invitation_not_found`, 410
 * `invitation_used` / `invitation_revoked` / `invitation_expired`, 409 `email_taken`. The invitation
 * row is locked, so two concurrent acceptances of one token create one user, and an acceptance and a
 * revocation of one invitation run one after the other.
 */
export async function acceptInvitation(
  db: Db,
  input: { token: string; name: string; passwordHash: string; lifetime: SessionLifetime },
): Promise<AcceptedInvitation> {
  try {
    return await db.$transaction(async (tx) => {
      const found = await tx.$queryRaw<{ id: string; accepted: boolean; revoked: boolean; expired: boolean }[]>`
        SELECT "id", "accepted_at" IS NOT NULL AS "accepted", "revoked_at" IS NOT NULL AS "revoked",
               "expires_at" <= (now() AT TIME ZONE 'UTC') AS "expired"
          FROM "user_invitations" WHERE "token_hash" = ${hashToken(input.token)} FOR UPDATE`;
      const state = found[0];
      if (!state) throw new ApiError('invitation_not_found', 'no such invitation');
      if (state.accepted) throw new ApiError('invitation_used', 'this invitation was already accepted');
      if (state.revoked) throw invitationRevoked();
      if (state.expired) throw new ApiError('invitation_expired', 'this invitation has expired; ask an admin for a new one');
      const invitation = await tx.userInvitation.update({ where: { id: state.id }, data: { acceptedAt: new Date() } });
      const user = await tx.user.create({
        data: { organizationId: invitation.organizationId, email: invitation.email, name: input.name, role: invitation.role, passwordHash: input.passwordHash },
      });
      return { user, session: await openSession(tx, user.id, input.lifetime) };
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw emailTaken(err);
    throw err;
  }
}

/** Where an invitation stands: `pending` until accepted, revoked or past `expires_at`. */
export const InvitationState = { Pending: 'pending', Accepted: 'accepted', Expired: 'expired', Revoked: 'revoked' } as const;
/** One of {@link InvitationState}. */
export type InvitationState = (typeof InvitationState)[keyof typeof InvitationState];
/** Every {@link InvitationState}, for schemas. */
export const INVITATION_STATES = Object.values(InvitationState) as [InvitationState, ...InvitationState[]];

/** The state of `row` at `now`. */
export function invitationState(row: Pick<UserInvitation, 'acceptedAt' | 'revokedAt' | 'expiresAt'>, now: Date = new Date()): InvitationState {
  if (row.acceptedAt) return InvitationState.Accepted;
  if (row.revokedAt) return InvitationState.Revoked;
  return row.expiresAt <= now ? InvitationState.Expired : InvitationState.Pending;
}

/** The rows in `state` at `now`, as a filter ({@link invitationState} in SQL). */
function stateWhere(state: InvitationState, now: Date): Prisma.UserInvitationWhereInput {
  switch (state) {
    case InvitationState.Accepted:
      return { acceptedAt: { not: null } };
    case InvitationState.Revoked:
      return { acceptedAt: null, revokedAt: { not: null } };
    case InvitationState.Expired:
      return { acceptedAt: null, revokedAt: null, expiresAt: { lte: now } };
    case InvitationState.Pending:
      return { acceptedAt: null, revokedAt: null, expiresAt: { gt: now } };
  }
}


/** Where a page of {@link listInvitations} starts: after this invitation (newest first). */
export interface InvitationCursor {
  createdAt: Date;
  id: string;
}

/** One page of an organization's invitations, newest first, optionally in one `state`; `next` is set when more follow. */
export async function listInvitations(
  db: Db,
  organizationId: string,
  page: { limit: number; after?: InvitationCursor | undefined; state?: InvitationState | undefined; now?: Date },
): Promise<{ rows: ListedInvitation[]; next: InvitationCursor | null }> {
  const and: Prisma.UserInvitationWhereInput[] = [{ organizationId }];
  if (page.state !== undefined) and.push(stateWhere(page.state, page.now ?? new Date()));
  if (page.after) and.push({ OR: [{ createdAt: { lt: page.after.createdAt } }, { createdAt: page.after.createdAt, id: { lt: page.after.id } }] });
  const found = await db.userInvitation.findMany({
    where: { AND: and },
    include: INVITED_BY,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: page.limit + 1,
  });
  const rows = found.slice(0, page.limit);
  const last = rows[rows.length - 1];
  return { rows, next: found.length > page.limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}

/**
 * Revokes invitation `id` of `organizationId` unless it was accepted: its token no longer accepts
 * (410 `invitation_revoked`). Revoking a revoked invitation changes nothing. 404
 * `invitation_not_found` (other organizations' invitations included), 409 `invitation_accepted`.
 * The update is conditional on the row, so it cannot interleave with an acceptance (which locks it).
 */
export async function revokeInvitation(db: Db, input: { organizationId: string; id: string }): Promise<{ row: UserInvitation; changed: boolean }> {
  const { count } = await db.userInvitation.updateMany({
    where: { id: input.id, organizationId: input.organizationId, acceptedAt: null, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  const row = await db.userInvitation.findFirst({ where: { id: input.id, organizationId: input.organizationId } });
  if (!row) throw new ApiError('invitation_not_found', 'no such invitation');
  if (row.acceptedAt) throw new ApiError('invitation_accepted', 'this invitation was already accepted: remove the user instead');
  return { row, changed: count === 1 };
}
