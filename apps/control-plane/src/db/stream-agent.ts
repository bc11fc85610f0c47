import type pg from 'pg';
import { query, sql } from './sql.ts';

/** The agent a stream names and the version it runs: what admission needs of them. */
export interface StreamAgent {
  id: string;
  uuid: string;
  organizationId: string;
  /** The owning user: quota is charged to them. */
  userId: string;
  version: {
    id: string;
    /** Engine configuration without its secret fields. */
    engine: unknown;
    engineSecretsCiphertext: string | null;
  };
}

/**
 * The agent with public UUID `uuid` and the version a new call runs (the published one, else the
 * draft), in one statement; `undefined` when there is no such agent, it is archived, or it has
 * neither version.
 */
export async function findStreamAgent(pool: pg.Pool, uuid: string): Promise<StreamAgent | undefined> {
  const rows = await query<{
    id: string;
    uuid: string;
    organizationId: string;
    userId: string;
    versionId: string | null;
    engine: unknown;
    engineSecretsCiphertext: string | null;
  }>(
    pool,
    sql`
    SELECT a."id", a."uuid", a."organization_id" AS "organizationId", a."user_id" AS "userId",
      v."id" AS "versionId", v."engine", v."engine_secrets_ciphertext" AS "engineSecretsCiphertext"
    FROM "agents" a
    LEFT JOIN LATERAL (
      SELECT "id", "engine", "engine_secrets_ciphertext" FROM "agent_versions"
      WHERE "agent_id" = a."id" AND "status" IN ('published', 'draft')
      ORDER BY ("status" = 'published') DESC, "version" DESC
      LIMIT 1
    ) v ON true
    WHERE a."uuid" = ${uuid} AND a."archived_at" IS NULL`,
  );
  const row = rows[0];
  if (!row || row.versionId === null) return undefined;
  return {
    id: row.id,
    uuid: row.uuid,
    organizationId: row.organizationId,
    userId: row.userId,
    version: { id: row.versionId, engine: row.engine, engineSecretsCiphertext: row.engineSecretsCiphertext },
  };
}
