/**
 * Where stored credentials may be sent: the rules of a user-chosen base URL (a telephony
 * configuration's `api_base_url`, a service credential's `base_url`, an agent's `webhook_url`). Its shape and scheme are
 * checked by {@link checkBaseUrl}; where its host resolves by {@link checkBaseUrlHost} (the address
 * rules of `@vr3/providers`). Each field answers with its own error codes.
 */
import { RemoteAddressError, checkRemoteHost, type ResolveHost } from '@vr3/providers';
import { ApiError, type ApiErrorCode } from '../errors.ts';

/** The error codes of one base-URL field. */
interface BaseUrlCodes {
  /** Not a URL, not http(s), or carries credentials, a query or a fragment. */
  invalid: ApiErrorCode;
  /** `http:` while insecure URLs are not allowed. */
  insecure: ApiErrorCode;
  /** The host is, or resolves to, an address that is not public. */
  disallowed: ApiErrorCode;
  /** The host does not resolve in time. */
  unresolvable: ApiErrorCode;
}

/** The base-URL fields of the REST API and their codes (all 422). */
export const BASE_URL_CODES = {
  api_base_url: {
    invalid: 'invalid_api_base_url',
    insecure: 'insecure_api_base_url',
    disallowed: 'disallowed_api_base_url',
    unresolvable: 'unresolvable_api_base_url',
  },
  base_url: {
    invalid: 'invalid_base_url',
    insecure: 'insecure_base_url',
    disallowed: 'disallowed_base_url',
    unresolvable: 'unresolvable_base_url',
  },
  webhook_url: {
    invalid: 'invalid_webhook_url',
    insecure: 'insecure_webhook_url',
    disallowed: 'disallowed_webhook_url',
    unresolvable: 'unresolvable_webhook_url',
  },
} as const satisfies Record<string, BaseUrlCodes>;

/** A field of {@link BASE_URL_CODES}, named in the messages. */
export type BaseUrlField = keyof typeof BASE_URL_CODES;

/** Options of {@link checkBaseUrlHost}. */
export interface BaseUrlHostOptions {
  /** Default: `dns.lookup`. */
  resolveHost?: ResolveHost | undefined;
  /** Deadline of the resolution, in milliseconds. */
  timeoutMs: number;
}

/**
 * Canonical base URL `origin + path` without trailing slashes: https only (http too when
 * `allowInsecure`), no credentials, query or fragment. 422 with `field`'s codes otherwise; messages
 * never echo the value.
 */
export function checkBaseUrl(field: BaseUrlField, value: string, allowInsecure: boolean): string {
  const codes = BASE_URL_CODES[field];
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ApiError(codes.invalid, `${field} is not a valid URL`);
  }
  if (url.protocol === 'http:' && !allowInsecure) throw new ApiError(codes.insecure, `${field} must use https`);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ApiError(codes.invalid, `${field} must be an https URL`);
  if (url.username || url.password || url.search || url.hash) {
    throw new ApiError(codes.invalid, `${field} must not contain credentials, a query or a fragment`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * Resolves the host of `url` (a {@link checkBaseUrl} result) and refuses it unless every address is
 * public: 422 `disallowed_*` naming the rule (loopback, private, link-local, CGNAT, unspecified,
 * multicast, reserved, metadata), 422 `unresolvable_*` when it does not resolve within `timeoutMs`.
 * Messages never echo the URL.
 */
export async function checkBaseUrlHost(field: BaseUrlField, url: string, options: BaseUrlHostOptions): Promise<void> {
  const codes = BASE_URL_CODES[field];
  try {
    await checkRemoteHost(new URL(url).hostname, options);
  } catch (err) {
    if (!(err instanceof RemoteAddressError)) throw err;
    if (err.code === 'host_unresolvable') throw new ApiError(codes.unresolvable, `${field} host name does not resolve`, { cause: err });
    throw new ApiError(codes.disallowed, `${field} ${err.message}`, { cause: err });
  }
}
