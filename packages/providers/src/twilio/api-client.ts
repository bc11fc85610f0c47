import type { ProviderApiClient } from '../api-client.ts';
import { checkConfiguredCredentials, type CheckCredentials } from '../credential-check.ts';
import { ProviderConfigError } from '../errors.ts';
import { RestRequester, basicAuth, callSegments, requireInProgress, requireSecret, requireUrlTarget } from '../rest-client.ts';
import type { RestBody, RestClientOptions } from '../rest-client.ts';

/** Base URL of the Twilio REST API. */
export const TWILIO_API_BASE_URL = 'https://api.twilio.com';

/** Options of {@link createTwilioApiClient}. */
export interface TwilioApiClientOptions extends RestClientOptions {
  /** The account SID (Basic user name). */
  accountSid: string;
  /** The auth token (Basic password). Never logged or put in messages. */
  authToken: string;
}

const form = (fields: Record<string, string>): RestBody => ({
  contentType: 'application/x-www-form-urlencoded',
  text: new URLSearchParams(fields).toString(),
});

/**
 * Twilio REST client (Basic `account_sid:auth_token`) on `/2010-04-01/Accounts/{sid}/Calls/{call_sid}.json`:
 * - `validateCall`: `GET`; passes on 200 with `status` `in-progress`, else `provider_call_not_live`;
 * - `hangup`: `POST Status=completed`; 200 succeeds, 404 (code 20404, call gone) too;
 * - `transfer`: `POST Twiml=<target>` when the target is TwiML (starts with `<`), else `Url=<target>`
 *   (an http(s) URL returning TwiML); 200 succeeds.
 *
 * @throws ProviderConfigError at construction for an invalid base URL, empty SID or token, bad timeout.
 */
export function createTwilioApiClient(opts: TwilioApiClientOptions): ProviderApiClient {
  const auth = basicAuth(requireSecret('twilio', 'account_sid', opts.accountSid), requireSecret('twilio', 'auth_token', opts.authToken));
  const rest = new RestRequester('twilio', opts, { authorization: auth });
  const path = (ref: Parameters<ProviderApiClient['hangup']>[0]): string => {
    const { account, call } = callSegments('twilio', ref);
    return `/2010-04-01/Accounts/${account}/Calls/${call}.json`;
  };
  return {
    async validateCall(ref, signal) {
      requireInProgress('twilio', await rest.send('validate', 'GET', path(ref), [200], signal));
    },
    async hangup(ref, signal) {
      await rest.send('hangup', 'POST', path(ref), [200, 204, 404], signal, form({ Status: 'completed' }));
    },
    async transfer(ref, target, signal) {
      if (typeof target !== 'string' || target.trim() === '') throw new ProviderConfigError('invalid_option', 'transfer target (TwiML or URL) is empty');
      const body = target.trim().startsWith('<') ? form({ Twiml: target }) : form({ Url: requireUrlTarget('twilio', target), Method: 'POST' });
      await rest.send('transfer', 'POST', path(ref), [200], signal, body);
    },
  };
}

/**
 * Checks a Twilio configuration's credentials: `GET /2010-04-01/Accounts/{AccountSid}.json` (the
 * account resource), Basic `account_sid:auth_token`. 200 = valid; 401 = wrong SID or token.
 */
export const twilioCheckCredentials: CheckCredentials = (client, signal) =>
  checkConfiguredCredentials('twilio', client, signal, () => {
    const sid = requireSecret('twilio', 'account_sid', client.accountId);
    return {
      path: `/2010-04-01/Accounts/${encodeURIComponent(sid)}.json`,
      headers: { authorization: basicAuth(sid, requireSecret('twilio', 'auth_token', client.credentials['auth_token'])) },
    };
  });
