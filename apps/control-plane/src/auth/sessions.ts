import { randomUUID } from 'node:crypto';
import type { Prisma, UserRole } from '../generated/prisma/client.ts';
import { poolOf, type Db } from '../db/prisma.ts';
import { execute, query, sql } from '../db/sql.ts';
import { generateToken, hashToken, SESSION_TOKEN_PREFIX } from './tokens.ts';

/** How long a session lives. */
export interface SessionLifetime {
  /** A session unused this long ends, in milliseconds. */
  idleTimeoutMs: number;
  /** A session ends this long after sign-in however much it is used, in milliseconds. */
  maxAgeMs: number;
}

/** Refresh `last_seen_at` at most this often per session, in milliseconds (the idle timeout's precision). */
export const LAST_SEEN_RESOLUTION_MS = 60_000;

/** A session just opened: `token` (the cookie's value) exists only here, only its hash is stored. */
export interface OpenedSession {
  id: string;
  token: string;
  expiresAt: Date;
}

/** Opens a session for `userId`, ending at the latest `maxAgeMs` from now (database clock). */
export async function openSession(db: Db | Prisma.TransactionClient, userId: string, lifetime: SessionLifetime): Promise<OpenedSession> {
  const token = generateToken(SESSION_TOKEN_PREFIX);
  const id = randomUUID();
  const rows = await db.$queryRaw<{ expires_at: Date }[]>`
    INSERT INTO "user_sessions" ("id", "user_id", "token_hash", "created_at", "last_seen_at", "expires_at")
    VALUES (${id}, ${userId}, ${hashToken(token)}, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC',
            (now() AT TIME ZONE 'UTC') + make_interval(secs => ${lifetime.maxAgeMs / 1000}))
    RETURNING "expires_at"`;
  return { id, token, expiresAt: rows[0]!.expires_at };
}

/** What authentication needs of a usable session. */
export interface ActiveSession {
  id: string;
  userId: string;
  organizationId: string;
  /** The user's role now (a role change holds at the next request). */
  role: UserRole;
  /** `last_seen_at` is older than {@link LAST_SEEN_RESOLUTION_MS}: {@link touchSession} is due. */
  touchDue: boolean;
}

/**
 * The usable session of this token, or undefined (unknown, revoked, past its absolute lifetime or
 * idle too long): one statement on the unique `token_hash` index against the database clock, so a
 * sign-out holds at once on every replica.
 */
export async function findActiveSession(db: Db, token: string, lifetime: SessionLifetime): Promise<ActiveSession | undefined> {
  const rows = await query<{ id: string; user_id: string; organization_id: string; role: UserRole; touch_due: boolean }>(
    poolOf(db),
    sql`SELECT s."id", s."user_id", u."organization_id", u."role"::text AS "role",
               s."last_seen_at" <= (now() AT TIME ZONE 'UTC') - make_interval(secs => ${LAST_SEEN_RESOLUTION_MS / 1000}) AS "touch_due"
          FROM "user_sessions" s
          JOIN "users" u ON u."id" = s."user_id"
         WHERE s."token_hash" = ${hashToken(token)}
           AND s."revoked_at" IS NULL
           AND s."expires_at" > (now() AT TIME ZONE 'UTC')
           AND s."last_seen_at" > (now() AT TIME ZONE 'UTC') - make_interval(secs => ${lifetime.idleTimeoutMs / 1000})`,
  );
  const row = rows[0];
  if (!row) return undefined;
  return { id: row.id, userId: row.user_id, organizationId: row.organization_id, role: row.role, touchDue: row.touch_due };
}

/** Sets `last_seen_at` to now unless another request did within {@link LAST_SEEN_RESOLUTION_MS}. */
export async function touchSession(db: Db, id: string): Promise<void> {
  await execute(
    poolOf(db),
    sql`UPDATE "user_sessions" SET "last_seen_at" = (now() AT TIME ZONE 'UTC')
         WHERE "id" = ${id} AND "revoked_at" IS NULL
           AND "last_seen_at" <= (now() AT TIME ZONE 'UTC') - make_interval(secs => ${LAST_SEEN_RESOLUTION_MS / 1000})`,
  );
}

/** Revokes session `id` (sign-out). Idempotent. */
export async function revokeSession(db: Db, id: string): Promise<void> {
  await db.userSession.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
}

/** Revokes every live session of `userId` but `exceptId` (the caller's own); the number revoked. */
export async function revokeUserSessions(db: Db | Prisma.TransactionClient, userId: string, exceptId?: string | null): Promise<number> {
  const { count } = await db.userSession.updateMany({
    where: { userId, revokedAt: null, ...(exceptId ? { id: { not: exceptId } } : {}) },
    data: { revokedAt: new Date() },
  });
  return count;
}
