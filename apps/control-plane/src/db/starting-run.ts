import type { ConfigurationRow } from './rows.ts';
import { query, sql, type SqlRunner } from './sql.ts';

/** The run as `RunStart` reads it, with its telephony configuration (matched at admission, if any). */
export interface StartingRun {
  id: string;
  organizationId: string;
  mode: string;
  state: string;
  initialContext: unknown;
  gatheredContext: unknown;
  logs: unknown;
  telephonyConfiguration: ConfigurationRow | null;
}

/** Loads the run and its configuration in one statement. */
export async function findStartingRun(db: SqlRunner, runId: string): Promise<StartingRun | undefined> {
  const [run] = await query<StartingRun>(db, sql`
    SELECT r."id", r."organization_id" AS "organizationId", r."mode", r."state",
           r."initial_context" AS "initialContext", r."gathered_context" AS "gatheredContext", r."logs",
           CASE WHEN c."id" IS NULL THEN NULL ELSE json_build_object(
             'id', c."id", 'provider', c."provider", 'domainId', c."domain_id", 'apiBaseUrl', c."api_base_url",
             'credentialsCiphertext', c."credentials_ciphertext", 'settings', c."settings"
           ) END AS "telephonyConfiguration"
    FROM "workflow_runs" r
    LEFT JOIN "telephony_configurations" c ON c."id" = r."telephony_configuration_id"
    WHERE r."id" = ${runId}`);
  return run;
}
