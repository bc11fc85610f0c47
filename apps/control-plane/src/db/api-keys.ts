import { apiKeyDisplayPrefix, generateApiKey, hashApiKey } from '../crypto/api-keys.ts';
import type { ApiKey, Prisma, UserRole } from '../generated/prisma/client.ts';
import { poolOf, type Db } from './prisma.ts';
import { execute, query, sql } from './sql.ts';

/** What authentication needs of a usable key: not revoked, not expired, its user in its organization. */
export interface ActiveApiKey {
  id: string;
  organizationId: string;
  userId: string;
  role: UserRole;
  /** The role of the key's user (a key never does more than its user). */
  userRole: UserRole;
  /** `last_used_at` is older than the resolution asked for (or unset): {@link touchApiKey} is due. */
  touchDue: boolean;
}

/**
 * The usable key with this hash, or undefined: one statement on the unique `hash` index, against
 * the database clock, so every replica sees a revocation or an expiry at the same moment.
 */
export async function findActiveApiKey(db: Db, hash: string, touchResolutionMs: number): Promise<ActiveApiKey | undefined> {
  const rows = await query<{ id: string; organization_id: string; user_id: string; role: UserRole; user_role: UserRole; touch_due: boolean }>(
    poolOf(db),
    sql`SELECT k."id", k."organization_id", k."user_id", k."role"::text AS "role", u."role"::text AS "user_role",
               (k."last_used_at" IS NULL
                OR k."last_used_at" <= (now() AT TIME ZONE 'UTC') - make_interval(secs => ${touchResolutionMs / 1000})) AS "touch_due"
          FROM "api_keys" k
          JOIN "users" u ON u."id" = k."user_id" AND u."organization_id" = k."organization_id"
         WHERE k."hash" = ${hash}
           AND k."revoked_at" IS NULL
           AND (k."expires_at" IS NULL OR k."expires_at" > (now() AT TIME ZONE 'UTC'))`,
  );
  const row = rows[0];
  if (!row) return undefined;
  return { id: row.id, organizationId: row.organization_id, userId: row.user_id, role: row.role, userRole: row.user_role, touchDue: row.touch_due };
}

/**
 * Sets `last_used_at` to now unless another request did within `resolutionMs` (concurrent requests
 * of one key write at most once per period).
 */
export async function touchApiKey(db: Db, id: string, resolutionMs: number): Promise<void> {
  await execute(
    poolOf(db),
    sql`UPDATE "api_keys" SET "last_used_at" = (now() AT TIME ZONE 'UTC')
         WHERE "id" = ${id}
           AND ("last_used_at" IS NULL OR "last_used_at" <= (now() AT TIME ZONE 'UTC') - make_interval(secs => ${resolutionMs / 1000}))`,
  );
}

/** What {@link createApiKey} stores. */
export interface NewApiKey {
  organizationId: string;
  userId: string;
  name: string;
  role: UserRole;
  expiresAt?: Date | null;
}

/** A stored key and its clear text, which exists only here: show it once, it is not stored. */
export interface CreatedApiKey {
  row: ApiKey;
  key: string;
}

/**
 * Mints a random key (or stores `key` when given: the operator's VR3_BOOTSTRAP_API_KEY) for a user
 * of an organization; only its SHA-256 hash and a short display prefix are stored.
 */
export async function createApiKey(db: Db | Prisma.TransactionClient, input: NewApiKey, key: string = generateApiKey()): Promise<CreatedApiKey> {
  const row = await db.apiKey.create({
    data: {
      organizationId: input.organizationId,
      userId: input.userId,
      name: input.name,
      role: input.role,
      expiresAt: input.expiresAt ?? null,
      prefix: apiKeyDisplayPrefix(key),
      hash: hashApiKey(key),
    },
  });
  return { row, key };
}

/** The keys of one organization, newest first (revoked and expired ones included). */
export function listApiKeys(db: Db, organizationId: string): Promise<ApiKey[]> {
  return db.apiKey.findMany({ where: { organizationId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
}

/**
 * Revokes key `id` of `organizationId` (a key of another organization is not found). Idempotent: a
 * revoked key keeps its first revocation time. Undefined when there is no such key.
 */
export async function revokeApiKey(db: Db, organizationId: string, id: string): Promise<ApiKey | undefined> {
  await db.apiKey.updateMany({ where: { id, organizationId, revokedAt: null }, data: { revokedAt: new Date() } });
  return (await db.apiKey.findFirst({ where: { id, organizationId } })) ?? undefined;
}
