import { StreamErrorCode } from '@vr3/protocol';
import type { ControlPlaneContext } from '../context.ts';
import type { ConfigurationRow } from '../db/rows.ts';
import { query, sql } from '../db/sql.ts';
import { getProvider, type ProviderName } from '@vr3/providers';

/** A query parameter naming the provider account, as given (never logged). */
export interface QueryAccount {
  param: string;
  value: string;
}

/** The first of the provider's account parameters present in `query` with a non-blank value. */
export function queryAccount(provider: ProviderName, query: Readonly<Record<string, string>>): QueryAccount | undefined {
  for (const param of getProvider(provider).accountParams) {
    const value = query[param]?.trim();
    if (value) return { param, value };
  }
  return undefined;
}

/** Why no configuration matches a stream. */
export type ConfigurationRefusal = { ok: false; code: StreamErrorCode; message: string };

/** Outcome of {@link resolveConfiguration}. */
export type ConfigurationMatch = { ok: true; configuration: ConfigurationRow; account: string } | ConfigurationRefusal;

/**
 * The provider account `rawAccount` names, normalized: absent → `missing_provider_identifier`, not
 * a valid id → `configuration_not_found`.
 */
export function accountOf(provider: ProviderName, rawAccount: string | undefined): { ok: true; account: string } | ConfigurationRefusal {
  const descriptor = getProvider(provider);
  if (rawAccount === undefined || rawAccount.trim() === '') {
    return { ok: false, code: StreamErrorCode.MissingProviderIdentifier, message: `missing ${descriptor.accountParams[0] ?? 'account id'}` };
  }
  try {
    return { ok: true, account: descriptor.telephony.normalizeAccount(rawAccount) };
  } catch {
    return { ok: false, code: StreamErrorCode.ConfigurationNotFound, message: 'no matching telephony configuration' };
  }
}

/** The match for the configuration stored for `account` (if any): none → `configuration_not_found`; without credentials → `configuration_missing_credentials`. */
export function matchOf(configuration: ConfigurationRow | null | undefined, account: string): ConfigurationMatch {
  if (!configuration) return { ok: false, code: StreamErrorCode.ConfigurationNotFound, message: 'no matching telephony configuration' };
  if (!configuration.credentialsCiphertext) {
    return { ok: false, code: StreamErrorCode.ConfigurationMissingCredentials, message: 'configuration has no credentials' };
  }
  return { ok: true, configuration, account };
}

/**
 * Finds the telephony configuration of `provider` for account `rawAccount` within an organization
 * ({@link accountOf}, then {@link matchOf}).
 */
export async function resolveConfiguration(
  ctx: Pick<ControlPlaneContext, 'pool'>,
  organizationId: string,
  provider: ProviderName,
  rawAccount: string | undefined,
): Promise<ConfigurationMatch> {
  const named = accountOf(provider, rawAccount);
  if (!named.ok) return named;
  const [configuration] = await query<ConfigurationRow>(ctx.pool, sql`
    SELECT "id", "provider", "domain_id" AS "domainId", "api_base_url" AS "apiBaseUrl",
           "credentials_ciphertext" AS "credentialsCiphertext", "settings"
    FROM "telephony_configurations"
    WHERE "organization_id" = ${organizationId} AND "provider" = ${provider} AND "domain_id" = ${named.account}`);
  return matchOf(configuration, named.account);
}
