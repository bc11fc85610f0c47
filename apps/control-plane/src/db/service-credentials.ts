import type pg from 'pg';
import type { Prisma, ServiceCredential } from '../generated/prisma/client.ts';
import { poolOf, type Db } from './prisma.ts';
import { query, sql } from './sql.ts';

/** A service credential as admission reads it (the key still sealed). */
export interface ServiceCredentialRow {
  id: string;
  vendor: string;
  /** `null`: the vendor's default endpoint. */
  baseUrl: string | null;
  /** AES-256-GCM sealed API key (AAD `service_credential:<id>`). */
  apiKeyCiphertext: string;
}

/** Where a page of {@link listServiceCredentials} starts: after this row (newest first). */
export interface ServiceCredentialCursor {
  createdAt: Date;
  id: string;
}

/** One page of an organization's service credentials, newest first; `next` is set when more follow. */
export async function listServiceCredentials(
  db: Db,
  organizationId: string,
  page: { limit: number; after?: ServiceCredentialCursor | undefined; vendor?: string | undefined },
): Promise<{ rows: ServiceCredential[]; next: ServiceCredentialCursor | null }> {
  const where: Prisma.ServiceCredentialWhereInput = { organizationId };
  if (page.vendor !== undefined) where.vendor = page.vendor;
  if (page.after) where.OR = [{ createdAt: { lt: page.after.createdAt } }, { createdAt: page.after.createdAt, id: { lt: page.after.id } }];
  const found = await db.serviceCredential.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: page.limit + 1 });
  const rows = found.slice(0, page.limit);
  const last = rows[rows.length - 1];
  return { rows, next: found.length > page.limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}

/** Credential `id` of `organizationId`; `undefined` when there is none (another organization's included). */
export async function findServiceCredentialRecord(db: Db, organizationId: string, id: string): Promise<ServiceCredential | undefined> {
  return (await db.serviceCredential.findFirst({ where: { id, organizationId } })) ?? undefined;
}

/**
 * The credentials of `ids` in `organizationId` (ids of other organizations or of no credential are
 * absent from the result), in one statement on the connection pool: the admission path.
 */
export async function findServiceCredentialRows(pool: pg.Pool, organizationId: string, ids: readonly string[]): Promise<ServiceCredentialRow[]> {
  if (ids.length === 0) return [];
  return query<ServiceCredentialRow>(
    pool,
    sql`SELECT "id", "vendor", "base_url" AS "baseUrl", "api_key_ciphertext" AS "apiKeyCiphertext"
          FROM "service_credentials"
         WHERE "organization_id" = ${organizationId} AND "id" = ANY(${[...ids]}::text[])`,
  );
}

/** What {@link deleteServiceCredentialUnlessUsed} did. */
export type DeleteServiceCredentialResult = { deleted: true } | { deleted: false; usedByAgentUuid: string | null };

/**
 * Deletes credential `id` of `organizationId` unless an agent may still run with it, in one
 * statement: a draft or published version of a non-archived agent of the organization whose
 * `engine` holds the id as a JSON string (`"<id>"` anywhere in the configuration, whatever the
 * field). Superseded versions and archived agents never run again and do not count.
 * `usedByAgentUuid` names one such agent; both `false` and `null`: no such credential.
 */
export async function deleteServiceCredentialUnlessUsed(db: Db, organizationId: string, id: string): Promise<DeleteServiceCredentialResult> {
  const needle = JSON.stringify(id);
  const rows = await query<{ agent_uuid: string | null; deleted: string | null }>(
    poolOf(db),
    sql`WITH "ref" AS (
          SELECT a."uuid" FROM "agent_versions" v
            JOIN "agents" a ON a."id" = v."agent_id"
           WHERE a."organization_id" = ${organizationId}
             AND a."archived_at" IS NULL
             AND v."status" IN ('draft', 'published')
             AND strpos(v."engine"::text, ${needle}) > 0
           LIMIT 1
        ), "gone" AS (
          DELETE FROM "service_credentials"
           WHERE "id" = ${id} AND "organization_id" = ${organizationId} AND NOT EXISTS (SELECT 1 FROM "ref")
          RETURNING "id"
        )
        SELECT (SELECT "uuid" FROM "ref") AS "agent_uuid", (SELECT "id" FROM "gone") AS "deleted"`,
  );
  const row = rows[0];
  if (row?.deleted) return { deleted: true };
  return { deleted: false, usedByAgentUuid: row?.agent_uuid ?? null };
}
