import type { ProviderApiClient } from '../api-client.ts';
import { checkConfiguredCredentials, type CheckCredentials } from '../credential-check.ts';
import { createPlivoStyleApiClient } from '../plivo-style/api-client.ts';
import { basicAuth, requireSecret } from '../rest-client.ts';
import type { RestClientOptions } from '../rest-client.ts';

/** Base URL of the Plivo API (paths start with `/v1`). */
export const PLIVO_API_BASE_URL = 'https://api.plivo.com';

/** Options of {@link createPlivoApiClient}. */
export interface PlivoApiClientOptions extends RestClientOptions {
  /** The auth id (Basic user name). */
  authId: string;
  /** The auth token (Basic password). Never logged or put in messages. */
  authToken: string;
}

/** Path of the Plivo API before `/Account/…`. */
export const PLIVO_API_PREFIX = '/v1';

/** Plivo's authentication header (Basic `auth_id:auth_token`); throws `missing_credentials` for an empty one. */
export function plivoHeaders(authId: string, authToken: string): Readonly<Record<string, string>> {
  return { authorization: basicAuth(requireSecret('plivo', 'auth_id', authId), requireSecret('plivo', 'auth_token', authToken)) };
}

/**
 * Plivo REST client (Basic `auth_id:auth_token`) on `/v1/Account/{auth_id}/Call/{call_uuid}/`:
 * `validateCall` = `GET …/?status=live` (200 = live), `hangup` = `DELETE` (204, 404 = already
 * ended), `transfer` = `POST {legs:"aleg", aleg_url, aleg_method}`.
 */
export function createPlivoApiClient(opts: PlivoApiClientOptions): ProviderApiClient {
  return createPlivoStyleApiClient({ provider: 'plivo', prefix: PLIVO_API_PREFIX, headers: plivoHeaders(opts.authId, opts.authToken) }, opts);
}

/**
 * Checks a Plivo configuration's credentials: `GET /v1/Account/{auth_id}/` (the account details),
 * Basic `auth_id:auth_token`. 200 = valid; 401 = wrong auth id or token.
 */
export const plivoCheckCredentials: CheckCredentials = (client, signal) =>
  checkConfiguredCredentials('plivo', client, signal, () => ({
    path: `${PLIVO_API_PREFIX}/Account/${encodeURIComponent(client.accountId)}/`,
    headers: plivoHeaders(client.accountId, client.credentials['auth_token'] ?? ''),
  }));
