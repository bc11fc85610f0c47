import { DEFAULT_PROVIDER_API_TIMEOUT_MS } from '../api-client.ts';
import type { CallRef, ProviderApiClient } from '../api-client.ts';
import { checkConfiguredCredentials, type CheckCredentials } from '../credential-check.ts';
import { ProviderConfigError } from '../errors.ts';
import { checkBaseUrl, checkTimeoutMs, providerRequest } from '../http-request.ts';
import type { ProviderHttpRequest } from '../http-request.ts';
import { transportFor } from '../http-transport.ts';
import type { TransportOptions } from '../http-transport.ts';
import { normalizeCloudonixDomain } from './domain.ts';

/** Options of {@link createCloudonixApiClient}; transport options as in `RestClientOptions`. */
export interface CloudonixApiClientOptions extends TransportOptions {
  /** API base URL, normally `CLOUDONIX_API_BASE_URL`; tests point it at a fake. */
  baseUrl: string;
  /** The domain API key from the stored telephony configuration. Never logged or put in messages. */
  bearerToken: string;
  /** Per-request deadline in milliseconds, covering connect, answer and body. Default 5000. */
  timeoutMs?: number;
}

/** Statuses that count as success, per operation. */
const OK = {
  validate: [200],
  hangup: [200, 204, 404],
  transfer: [200, 202],
} as const;

/**
 * Cloudonix REST client (`Authorization: Bearer <domain API key>`):
 * - `validateCall`: `GET /customers/self/domains/{domain}/sessions/{session}`, only 200 passes;
 * - `hangup`: `DELETE /customers/self/domains/{domain}/sessions/{session}`, 200/204/404 succeed
 *   (404: the session already ended);
 * - `transfer`: `POST /calls/{domain}/sessions/{session}/application` with `{"cxml": target}`,
 *   200/202 succeed.
 * `ref.accountId` goes through {@link normalizeCloudonixDomain}; path segments are URL-encoded.
 *
 * @throws ProviderConfigError at construction for an invalid base URL, empty token or bad timeout.
 */
export function createCloudonixApiClient(opts: CloudonixApiClientOptions): ProviderApiClient {
  const baseUrl = checkBaseUrl(opts.baseUrl);
  if (typeof opts.bearerToken !== 'string' || opts.bearerToken.trim() === '') {
    throw new ProviderConfigError('missing_credentials', 'Cloudonix bearer token is empty');
  }
  const timeoutMs = checkTimeoutMs(opts.timeoutMs ?? DEFAULT_PROVIDER_API_TIMEOUT_MS);
  const transport = transportFor(opts);
  const authorization = `Bearer ${opts.bearerToken}`;

  function segments(ref: CallRef): { domain: string; session: string } {
    const domain = normalizeCloudonixDomain(ref.accountId);
    if (typeof ref.callId !== 'string' || ref.callId === '') {
      throw new ProviderConfigError('invalid_call_ref', 'Cloudonix session token is empty');
    }
    return { domain: encodeURIComponent(domain), session: encodeURIComponent(ref.callId) };
  }

  function request(
    operation: keyof typeof OK,
    method: ProviderHttpRequest['method'],
    path: string,
    signal: AbortSignal | undefined,
    body?: string,
  ): Promise<number> {
    const headers: Record<string, string> = { authorization, accept: 'application/json' };
    const req: ProviderHttpRequest = {
      provider: 'cloudonix',
      operation,
      method,
      url: baseUrl + path,
      headers,
      ok: OK[operation],
      timeoutMs,
      signal,
      transport,
    };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      req.body = body;
    }
    return providerRequest(req);
  }

  return {
    async validateCall(ref, signal) {
      const { domain, session } = segments(ref);
      await request('validate', 'GET', `/customers/self/domains/${domain}/sessions/${session}`, signal);
    },
    async hangup(ref, signal) {
      const { domain, session } = segments(ref);
      await request('hangup', 'DELETE', `/customers/self/domains/${domain}/sessions/${session}`, signal);
    },
    async transfer(ref, target, signal) {
      const { domain, session } = segments(ref);
      if (typeof target !== 'string' || target.trim() === '') {
        throw new ProviderConfigError('invalid_option', 'transfer target (CXML) is empty');
      }
      await request('transfer', 'POST', `/calls/${domain}/sessions/${session}/application`, signal, JSON.stringify({ cxml: target }));
    },
  };
}

/**
 * Checks a Cloudonix configuration's domain API key: `GET /customers/self/domains/{domain}` (the
 * domain's details), `Authorization: Bearer <domain API key>`. 200 = valid; 401/403 = wrong key or
 * a key of another domain.
 */
export const cloudonixCheckCredentials: CheckCredentials = (client, signal) =>
  checkConfiguredCredentials('cloudonix', client, signal, () => {
    const token = client.credentials['bearer_token'];
    if (typeof token !== 'string' || token.trim() === '') throw new ProviderConfigError('missing_credentials', 'Cloudonix bearer token is empty');
    return {
      path: `/customers/self/domains/${encodeURIComponent(normalizeCloudonixDomain(client.accountId))}`,
      headers: { authorization: `Bearer ${token}` },
    };
  });
