/**
 * The credentials check: one cheap authenticated read (an account or key lookup) sent to a
 * provider's or a vendor's real REST API, classified into a {@link CredentialCheckResult}. The
 * request itself is each provider's (its folder's `api-client.ts`) or vendor's (`@vr3/vendors`)
 * knowledge; this file owns the deadline, the address policy and the classification. A result
 * never carries a secret, a URL or the remote body.
 */
import { ProviderConfigError, RemoteAddressError } from './errors.ts';
import { ADDRESS_RULE_DESCRIPTIONS } from './address-rules.ts';
import { checkBaseUrl, checkTimeoutMs } from './http-request.ts';
import { transportFor } from './http-transport.ts';
import type { TransportAnswer, TransportOptions } from './http-transport.ts';
import { DEFAULT_PROVIDER_API_TIMEOUT_MS } from './api-client.ts';
import type { ConfiguredClientOptions } from './descriptor.ts';

/** Why a credentials check failed. */
export const CredentialCheckCode = {
  /** The API answered 401 or 403: the credentials (or the account they are for) are wrong, revoked or lack the scope. */
  InvalidCredentials: 'invalid_credentials',
  /** No answer: connection refused or reset, host not found, TLS failure, or no answer within the deadline. */
  Unreachable: 'unreachable',
  /** The API answered with another status (404 for a base URL that is not the API, 5xx, 429…). */
  UnexpectedResponse: 'unexpected_response',
  /** The address policy refused the base URL's scheme or host: nothing was sent. */
  AddressNotAllowed: 'address_not_allowed',
  /** The stored configuration cannot make the request (an empty secret, an unusable base URL): nothing was sent. */
  InvalidConfiguration: 'invalid_configuration',
} as const;

/** One of {@link CredentialCheckCode}. */
export type CredentialCheckCode = (typeof CredentialCheckCode)[keyof typeof CredentialCheckCode];

/** What a credentials check found. Messages are static plus a status or a network reason: no secret, URL or body. */
export interface CredentialCheckResult {
  /** True when the API accepted the credentials (a 2xx answer). */
  readonly ok: boolean;
  /** Milliseconds from sending the request to its answer (or failure). */
  readonly latencyMs: number;
  /** The API's HTTP status, when it answered. */
  readonly status?: number | undefined;
  /** Why the check failed; absent when `ok`. */
  readonly error?: { readonly code: CredentialCheckCode; readonly message: string } | undefined;
}

/** The read request that checks one set of credentials. */
export interface CredentialProbe {
  /** Path (and query) under the base URL. */
  readonly path: string;
  /** Authentication (and version) headers; never logged or put in a result. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Where and how a {@link CredentialProbe} is sent. */
export interface CredentialProbeOptions extends TransportOptions {
  /** API base URL (scheme, host, optional path prefix). */
  readonly baseUrl: string;
  /** Deadline of the whole exchange in milliseconds. Default {@link DEFAULT_PROVIDER_API_TIMEOUT_MS}. */
  readonly timeoutMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Checks the credentials of one stored telephony configuration with one read request to the
 * provider's API at the configuration's base URL; resolves (never rejects) with the outcome.
 */
export type CheckCredentials = (client: ConfiguredClientOptions, signal?: AbortSignal) => Promise<CredentialCheckResult>;

/** Node's network error codes, as a short reason. */
const NETWORK_REASONS: Readonly<Record<string, string>> = Object.freeze({
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host',
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS handshake failed',
});

const failed = (latencyMs: number, code: CredentialCheckCode, message: string, status?: number): CredentialCheckResult => ({
  ok: false,
  latencyMs,
  ...(status === undefined ? {} : { status }),
  error: { code, message },
});

/** A check that could not be sent because the configuration is unusable (`invalid_configuration`). */
export function unusableConfiguration(label: string, message: string): CredentialCheckResult {
  return failed(0, CredentialCheckCode.InvalidConfiguration, `${label}: ${message}`);
}

/**
 * Sends `GET {baseUrl}{probe.path}` with `probe.headers` within the deadline and classifies the
 * answer: 2xx → `ok`; 401/403 → `invalid_credentials`; another status → `unexpected_response`; no
 * answer → `unreachable`; a refused address → `address_not_allowed`. The body is never read. `build`
 * makes the probe; a `ProviderConfigError` it throws (an empty secret) is `invalid_configuration`.
 * `label` names the provider or vendor in messages.
 */
export async function runCredentialProbe(label: string, options: CredentialProbeOptions, build: () => CredentialProbe): Promise<CredentialCheckResult> {
  let url: string;
  let headers: Record<string, string>;
  let timeoutMs: number;
  let transport: ReturnType<typeof transportFor>;
  try {
    const probe = build();
    url = checkBaseUrl(options.baseUrl) + probe.path;
    headers = { ...probe.headers, accept: 'application/json' };
    timeoutMs = checkTimeoutMs(options.timeoutMs ?? DEFAULT_PROVIDER_API_TIMEOUT_MS);
    transport = transportFor(options);
  } catch (err) {
    if (err instanceof ProviderConfigError) return unusableConfiguration(label, err.message);
    throw err;
  }

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onCallerAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });
  const started = performance.now();
  const elapsed = (): number => Math.max(0, Math.round(performance.now() - started));
  // Rejects when the request is aborted, so a transport that ignores its signal still cannot hang us.
  let onAbort = (): void => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = (): void => reject(new Error('request aborted'));
  });
  aborted.catch(() => {});
  controller.signal.addEventListener('abort', onAbort, { once: true });
  const sent = transport({ method: 'GET', url, headers, signal: controller.signal });
  let answer: TransportAnswer | undefined;
  try {
    answer = await Promise.race([sent, aborted]);
    const { status } = answer;
    answer.discard();
    const latencyMs = elapsed();
    if (status >= 200 && status < 300) return { ok: true, latencyMs, status };
    if (status === 401 || status === 403) return failed(latencyMs, CredentialCheckCode.InvalidCredentials, `${label} refused the credentials (HTTP ${status})`, status);
    return failed(latencyMs, CredentialCheckCode.UnexpectedResponse, `${label} answered HTTP ${status}`, status);
  } catch (err) {
    const latencyMs = elapsed();
    if (err instanceof RemoteAddressError && err.code === 'address_not_allowed') {
      const why = err.rule === undefined || err.rule === 'insecure_scheme' ? 'the API URL is not https' : `the API host is ${ADDRESS_RULE_DESCRIPTIONS[err.rule]}`;
      return failed(latencyMs, CredentialCheckCode.AddressNotAllowed, `${label} not contacted: ${why}`);
    }
    if (timedOut) return failed(latencyMs, CredentialCheckCode.Unreachable, `${label} did not answer within ${timeoutMs} ms`);
    if (options.signal?.aborted) return failed(latencyMs, CredentialCheckCode.Unreachable, `${label} check aborted`);
    const code = (err as { code?: unknown }).code;
    const reason = (typeof code === 'string' ? NETWORK_REASONS[code] : undefined) ?? 'network error';
    return failed(latencyMs, CredentialCheckCode.Unreachable, `${label} unreachable: ${reason}`);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCallerAbort);
    controller.signal.removeEventListener('abort', onAbort);
    if (answer === undefined) {
      controller.abort();
      sent.then((late) => late.discard(), () => {});
    }
  }
}

/** {@link runCredentialProbe} at a stored configuration's base URL, deadline and address policy. */
export function checkConfiguredCredentials(label: string, client: ConfiguredClientOptions, signal: AbortSignal | undefined, build: () => CredentialProbe): Promise<CredentialCheckResult> {
  const options: CredentialProbeOptions = {
    baseUrl: client.baseUrl,
    timeoutMs: client.timeoutMs,
    addressPolicy: client.addressPolicy,
    resolveHost: client.resolveHost,
    fetch: client.fetch,
    signal,
  };
  return runCredentialProbe(label, options, build);
}
