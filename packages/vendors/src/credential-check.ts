/**
 * The credentials check of a service credential: one cheap authenticated read of the vendor's REST
 * API (its models, projects, voices or user) with the stored key, sent and classified by
 * `@vr3/providers`' `runCredentialProbe` (deadline, address policy, no body read). Each vendor's
 * request lives in its folder (`<vendor>/credential-check.ts`); this file holds what they share
 * and the table the control-plane dispatches on.
 */
import { ProviderConfigError, runCredentialProbe } from '@vr3/providers';
import type { CredentialCheckResult, CredentialProbe, RemoteAddressPolicy, ResolveHost } from '@vr3/providers';

/** What a vendor credentials check is given. */
export interface VendorCredentialCheckOptions {
  /** The stored API key; never logged or put in a result. */
  readonly apiKey: string;
  /** The credential's base URL; `null`/absent: the vendor's own. A `wss`/`ws` one is read as `https`/`http`. */
  readonly baseUrl?: string | null | undefined;
  /** Deadline of the whole exchange in milliseconds. Default 5000. */
  readonly timeoutMs?: number | undefined;
  /** `'public'`: https only, public addresses only. Default `'public'`. */
  readonly addressPolicy?: RemoteAddressPolicy | undefined;
  readonly resolveHost?: ResolveHost | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** Checks one vendor key; resolves (never rejects) with the outcome. */
export type VendorCredentialCheck = (options: VendorCredentialCheckOptions) => Promise<CredentialCheckResult>;

/** `url` with a WebSocket scheme turned into its HTTP one (`wss:` → `https:`, `ws:` → `http:`); other URLs unchanged. */
export function httpBaseUrlOf(url: string): string {
  if (url.startsWith('wss://')) return `https://${url.slice('wss://'.length)}`;
  if (url.startsWith('ws://')) return `http://${url.slice('ws://'.length)}`;
  return url;
}

/**
 * Sends `probe` (built from the key) to the credential's base URL or `defaultBaseUrl`, labelled
 * `vendor` in messages. An empty key is `invalid_configuration` without a request.
 */
export function checkVendorKey(vendor: string, defaultBaseUrl: string, options: VendorCredentialCheckOptions, probe: (apiKey: string) => CredentialProbe): Promise<CredentialCheckResult> {
  return runCredentialProbe(
    vendor,
    {
      baseUrl: httpBaseUrlOf(options.baseUrl ?? defaultBaseUrl),
      timeoutMs: options.timeoutMs,
      addressPolicy: options.addressPolicy ?? 'public',
      resolveHost: options.resolveHost,
      signal: options.signal,
    },
    () => {
      if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '') throw new ProviderConfigError('missing_credentials', 'the API key is empty');
      return probe(options.apiKey);
    },
  );
}
