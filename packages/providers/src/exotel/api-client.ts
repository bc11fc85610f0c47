import type { ProviderApiClient } from '../api-client.ts';
import { checkConfiguredCredentials, type CheckCredentials } from '../credential-check.ts';
import { ProviderConfigError } from '../errors.ts';
import { RestRequester, basicAuth, callSegments, requireInProgress, requireSecret } from '../rest-client.ts';
import type { RestClientOptions } from '../rest-client.ts';

/** Base URL of the Exotel API (Mumbai cluster, as in Exotel's AgentStream examples). */
export const EXOTEL_API_BASE_URL = 'https://api.in.exotel.com';

/** Options of {@link createExotelApiClient}. */
export interface ExotelApiClientOptions extends RestClientOptions {
  /** API key (Basic user name). Never logged or put in messages. */
  apiKey: string;
  /** API token (Basic password). Never logged or put in messages. */
  apiToken: string;
}

/**
 * Exotel REST client (Basic `api_key:api_token`):
 * - `validateCall`: `GET /v1/Accounts/{account_sid}/Calls/{call_sid}.json`; passes on 200 with the
 *   call's `Status` (or `call.status`) `in-progress`, else `provider_call_not_live`;
 * - `hangup`: Exotel has no REST hang-up for AgentStream calls. Resolves without a request: the
 *   media-edge closing the stream ends the call (Connect) or moves the flow to the next applet;
 * - `transfer`: likewise resolves without a request; closing the stream hands the call to the
 *   flow's next applet (e.g. a Connect applet), so the target is not used.
 *
 * @throws ProviderConfigError at construction for an invalid base URL, empty key or token, bad timeout.
 */
export function createExotelApiClient(opts: ExotelApiClientOptions): ProviderApiClient {
  const auth = basicAuth(requireSecret('exotel', 'api_key', opts.apiKey), requireSecret('exotel', 'api_token', opts.apiToken));
  const rest = new RestRequester('exotel', opts, { authorization: auth });
  return {
    async validateCall(ref, signal) {
      const { account, call } = callSegments('exotel', ref);
      requireInProgress('exotel', await rest.send('validate', 'GET', `/v1/Accounts/${account}/Calls/${call}.json`, [200], signal));
    },
    async hangup(ref) {
      callSegments('exotel', ref);
    },
    async transfer(ref, target) {
      callSegments('exotel', ref);
      if (typeof target !== 'string') throw new ProviderConfigError('invalid_option', 'transfer target must be a string');
    },
  };
}

/**
 * Checks an Exotel configuration's credentials: `GET /v1/Accounts/{account_sid}/Balance.json` (the
 * Account Balance API, a read), Basic `api_key:api_token`. 200 = valid; 401/403 = wrong key, token
 * or account SID.
 */
export const exotelCheckCredentials: CheckCredentials = (client, signal) =>
  checkConfiguredCredentials('exotel', client, signal, () => {
    const sid = requireSecret('exotel', 'account_sid', client.accountId);
    return {
      path: `/v1/Accounts/${encodeURIComponent(sid)}/Balance.json`,
      headers: { authorization: basicAuth(requireSecret('exotel', 'api_key', client.credentials['api_key']), requireSecret('exotel', 'api_token', client.credentials['api_token'])) },
    };
  });
