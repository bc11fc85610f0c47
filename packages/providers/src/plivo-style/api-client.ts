import type { ProviderName } from '../provider-name.ts';
import type { CallRef, ProviderApiClient } from '../api-client.ts';
import { ProviderConfigError } from '../errors.ts';
import { RestRequester, callSegments, requireUrlTarget } from '../rest-client.ts';
import type { RestClientOptions } from '../rest-client.ts';

/** How one Plivo-style API differs from another. */
export interface PlivoStyleApi {
  provider: ProviderName;
  /** Path before `/Account/{id}/Call/…` (Vobiz `/api/v1`, Plivo `/v1`). */
  prefix: string;
  /** Authentication headers. */
  headers: Readonly<Record<string, string>>;
}

/**
 * Plivo-style call REST client on `{prefix}/Account/{auth_id}/Call/{call_uuid}/`:
 * - `validateCall`: `GET …/?status=live`, 200 means the call is live (404 otherwise);
 * - `hangup`: `DELETE …/`; 200/204 succeed, 404 (already ended) too;
 * - `transfer`: `POST …/` with `{"legs":"aleg","aleg_url":<target>,"aleg_method":"POST"}`; the target
 *   is an http(s) URL returning the provider's XML; 200/202 succeed.
 */
export function createPlivoStyleApiClient(api: PlivoStyleApi, opts: RestClientOptions): ProviderApiClient {
  const rest = new RestRequester(api.provider, opts, api.headers);
  const path = (ref: CallRef): string => {
    const { account, call } = callSegments(api.provider, ref);
    return `${api.prefix}/Account/${account}/Call/${call}/`;
  };
  return {
    async validateCall(ref, signal) {
      await rest.send('validate', 'GET', `${path(ref)}?status=live`, [200], signal);
    },
    async hangup(ref, signal) {
      await rest.send('hangup', 'DELETE', path(ref), [200, 204, 404], signal);
    },
    async transfer(ref, target, signal) {
      if (typeof target !== 'string' || target.trim() === '') throw new ProviderConfigError('invalid_option', 'transfer target (aleg_url) is empty');
      const text = JSON.stringify({ legs: 'aleg', aleg_url: requireUrlTarget(api.provider, target), aleg_method: 'POST' });
      await rest.send('transfer', 'POST', path(ref), [200, 202], signal, { contentType: 'application/json', text });
    },
  };
}
