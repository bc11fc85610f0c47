import type { Db } from '../db/prisma.ts';
import { ApiError } from '../errors.ts';
import { Prisma, type User, type UserInvitation, type UserRole } from '../generated/prisma/client.ts';
import { openSession, type OpenedSession, type SessionLifetime } from './sessions.ts';
import { generateToken, hashToken, INVITATION_TOKEN_PREFIX } from './tokens.ts';
import { normalizeEmail } from './users.ts';

/** How long an invitation may be accepted, in milliseconds (7 days). */
export const INVITATION_TTL_MS = 7 * 24 * 3_600_000;

const emailTaken = (cause?: unknown) => new ApiError('email_taken', 'a user with this email already exists', cause === undefined ? {} : { cause });

/** An invitation just made: `token` exists only here (only its hash is stored). */
export interface CreatedInvitation {
  row: UserInvitation;
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
 * `invitation_used` / `invitation_expired`, 409 `email_taken`. The invitation row is locked, so
 * two concurrent acceptances of one token create one user.
 */
export async function acceptInvitation(
  db: Db,
  input: { token: string; name: string; passwordHash: string; lifetime: SessionLifetime },
): Promise<AcceptedInvitation> {
  try {
    return await db.$transaction(async (tx) => {
      const found = await tx.$queryRaw<{ id: string; accepted: boolean; expired: boolean }[]>`
        SELECT "id", "accepted_at" IS NOT NULL AS "accepted", "expires_at" <= (now() AT TIME ZONE 'UTC') AS "expired"
          FROM "user_invitations" WHERE "token_hash" = ${hashToken(input.token)} FOR UPDATE`;
      const state = found[0];
      if (!state) throw new ApiError('invitation_not_found', 'no such invitation');
      if (state.accepted) throw new ApiError('invitation_used', 'this invitation was already accepted');
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
