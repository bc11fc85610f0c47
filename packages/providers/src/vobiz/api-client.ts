import type { ProviderApiClient } from '../api-client.ts';
import { checkConfiguredCredentials, type CheckCredentials } from '../credential-check.ts';
import { createPlivoStyleApiClient } from '../plivo-style/api-client.ts';
import { requireSecret } from '../rest-client.ts';
import type { RestClientOptions } from '../rest-client.ts';

/** Base URL of the Vobiz API (paths start with `/api/v1`). */
export const VOBIZ_API_BASE_URL = 'https://api.vobiz.ai';

/** Options of {@link createVobizApiClient}. */
export interface VobizApiClientOptions extends RestClientOptions {
  /** The auth id (`X-Auth-ID`). */
  authId: string;
  /** The auth token (`X-Auth-Token`). Never logged or put in messages. */
  authToken: string;
}

/** Path of the Vobiz API before `/Account/…`. */
export const VOBIZ_API_PREFIX = '/api/v1';

/** Vobiz's authentication headers (`X-Auth-ID`, `X-Auth-Token`); throws `missing_credentials` for an empty one. */
export function vobizHeaders(authId: string, authToken: string): Readonly<Record<string, string>> {
  return { 'x-auth-id': requireSecret('vobiz', 'auth_id', authId), 'x-auth-token': requireSecret('vobiz', 'auth_token', authToken) };
}

/**
 * Vobiz REST client (`X-Auth-ID` / `X-Auth-Token` headers) on
 * `/api/v1/Account/{auth_id}/Call/{call_uuid}/`: `validateCall` = `GET …/?status=live` (200 = live),
 * `hangup` = `DELETE` (200/204/404), `transfer` = `POST {legs:"aleg", aleg_url, aleg_method}`.
 * Path casing and the trailing slash matter to Vobiz.
 */
export function createVobizApiClient(opts: VobizApiClientOptions): ProviderApiClient {
  return createPlivoStyleApiClient({ provider: 'vobiz', prefix: VOBIZ_API_PREFIX, headers: vobizHeaders(opts.authId, opts.authToken) }, opts);
}

/**
 * Checks a Vobiz configuration's credentials: `GET /api/v1/auth/me` (Retrieve Account Details; the
 * account is the one `X-Auth-ID` names), `X-Auth-ID` / `X-Auth-Token`. 200 = valid; 401 = wrong
 * auth id or token. Answered for main and sub-accounts alike.
 */
export const vobizCheckCredentials: CheckCredentials = (client, signal) =>
  checkConfiguredCredentials('vobiz', client, signal, () => ({
    path: `${VOBIZ_API_PREFIX}/auth/me`,
    headers: vobizHeaders(client.accountId, client.credentials['auth_token'] ?? ''),
  }));
