import type { ConfigurationRow } from './rows.ts';
import { query, sql, type SqlRunner } from './sql.ts';

/** The agent a stream names and the version it runs: what admission needs of them. */
export interface StreamAgent {
  id: string;
  uuid: string;
  organizationId: string;
  /** The owning user: quota is charged to them. */
  userId: string;
  /** Its calls are recorded (docs/recordings.md). */
  recordingEnabled: boolean;
  version: {
    id: string;
    /** Engine configuration without its secret fields. */
    engine: unknown;
    engineSecretsCiphertext: string | null;
  };
  /** With an `account` to match: its telephony configuration in the agent's organization, `null` when none. */
  configuration?: ConfigurationRow | null;
}

/** A provider account to match in the agent's organization along with the agent. */
export interface AccountToMatch {
  provider: string;
  /** Normalized, as stored in `domain_id`. */
  account: string;
}

/**
 * The agent with public UUID `uuid` and the version a new call runs (the published one, else the
 * draft) — and, given `account`, the telephony configuration of that account in the agent's
 * organization — in one statement; `undefined` when there is no such agent, it is archived, or it
 * has neither version.
 */
export async function findStreamAgent(pool: SqlRunner, uuid: string, account?: AccountToMatch): Promise<StreamAgent | undefined> {
  const rows = await query<{
    id: string;
    uuid: string;
    organizationId: string;
    userId: string;
    recordingEnabled: boolean;
    versionId: string | null;
    engine: unknown;
    engineSecretsCiphertext: string | null;
    configuration: ConfigurationRow | null;
  }>(
    pool,
    sql`
    SELECT a."id", a."uuid", a."organization_id" AS "organizationId", a."user_id" AS "userId", a."recording_enabled" AS "recordingEnabled",
      v."id" AS "versionId", v."engine", v."engine_secrets_ciphertext" AS "engineSecretsCiphertext",
      c."configuration"
    FROM "agents" a
    LEFT JOIN LATERAL (
      SELECT "id", "engine", "engine_secrets_ciphertext" FROM "agent_versions"
      WHERE "agent_id" = a."id" AND "status" IN ('published', 'draft')
      ORDER BY ("status" = 'published') DESC, "version" DESC
      LIMIT 1
    ) v ON true
    LEFT JOIN LATERAL (
      SELECT json_build_object(
        'id', "id", 'provider', "provider", 'domainId', "domain_id", 'apiBaseUrl', "api_base_url",
        'credentialsCiphertext', "credentials_ciphertext", 'settings', "settings"
      ) AS "configuration"
      FROM "telephony_configurations"
      WHERE ${account?.provider ?? null}::text IS NOT NULL AND "organization_id" = a."organization_id"
        AND "provider" = ${account?.provider ?? null} AND "domain_id" = ${account?.account ?? null}
    ) c ON true
    WHERE a."uuid" = ${uuid} AND a."archived_at" IS NULL`,
  );
  const row = rows[0];
  if (!row || row.versionId === null) return undefined;
  return {
    id: row.id,
    uuid: row.uuid,
    organizationId: row.organizationId,
    userId: row.userId,
    recordingEnabled: row.recordingEnabled,
    version: { id: row.versionId, engine: row.engine, engineSecretsCiphertext: row.engineSecretsCiphertext },
    ...(account === undefined ? {} : { configuration: row.configuration }),
  };
}
