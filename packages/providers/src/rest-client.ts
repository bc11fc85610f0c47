/**
 * Building blocks shared by the provider REST clients: option checks, call-reference segments,
 * Basic auth, request sending with a fixed set of headers, and reading a call's status from a JSON
 * answer. Internal to the package.
 */
import type { ProviderName } from './provider-name.ts';
import { DEFAULT_PROVIDER_API_TIMEOUT_MS } from './api-client.ts';
import type { CallRef } from './api-client.ts';
import { ProviderApiError, ProviderConfigError } from './errors.ts';
import type { ProviderApiOperation } from './errors.ts';
import { checkBaseUrl, checkTimeoutMs, providerExchange } from './http-request.ts';
import type { ProviderHttpAnswer, ProviderHttpRequest } from './http-request.ts';
import { transportFor } from './http-transport.ts';
import type { HttpTransport, TransportOptions } from './http-transport.ts';

/**
 * Options every provider REST client takes. Transport options: `addressPolicy` (`'public'` for a
 * base URL an end user chose), `resolveHost`, and `fetch` (tests).
 */
export interface RestClientOptions extends TransportOptions {
  /** API base URL (scheme, host, optional path prefix); tests point it at a fake. */
  baseUrl: string;
  /** Per-request deadline in milliseconds, covering connect, answer and body. Default 5000. */
  timeoutMs?: number;
}

/** A request body and its content type. */
export interface RestBody {
  contentType: 'application/json' | 'application/x-www-form-urlencoded';
  text: string;
}

/** Throws `missing_credentials` (naming the field, never the value) for an empty secret. */
export function requireSecret(provider: ProviderName, field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ProviderConfigError('missing_credentials', `${provider} ${field} is empty`);
  }
  return value;
}

/** `Basic base64(user:password)`. */
export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** URL-encoded account and call segments of a {@link CallRef}; `invalid_call_ref` when either is empty. */
export function callSegments(provider: ProviderName, ref: CallRef): { account: string; call: string } {
  if (typeof ref.accountId !== 'string' || ref.accountId.trim() === '' || typeof ref.callId !== 'string' || ref.callId === '') {
    throw new ProviderConfigError('invalid_call_ref', `${provider} call reference lacks an account or call id`);
  }
  return { account: encodeURIComponent(ref.accountId.trim()), call: encodeURIComponent(ref.callId) };
}

/** A transfer target that must be an absolute http(s) URL (Plivo/Vobiz `aleg_url`, Twilio `Url`). */
export function requireUrlTarget(provider: ProviderName, target: string): string {
  try {
    const url = new URL(target.trim());
    if (url.protocol === 'https:' || url.protocol === 'http:') return url.href;
  } catch {
    // fall through
  }
  throw new ProviderConfigError('invalid_option', `${provider} transfer target must be an http(s) URL`);
}

/** Sends requests to one provider with fixed headers, the client's deadline and transport. */
export class RestRequester {
  readonly #baseUrl: string;
  readonly #timeoutMs: number;
  readonly #transport: HttpTransport;

  constructor(
    readonly provider: ProviderName,
    options: RestClientOptions,
    private readonly headers: Readonly<Record<string, string>>,
  ) {
    this.#baseUrl = checkBaseUrl(options.baseUrl);
    this.#timeoutMs = checkTimeoutMs(options.timeoutMs ?? DEFAULT_PROVIDER_API_TIMEOUT_MS);
    this.#transport = transportFor(options);
  }

  /** Sends `method path`; resolves when the status is in `ok`, else rejects with `ProviderApiError`. */
  send(
    operation: ProviderApiOperation,
    method: ProviderHttpRequest['method'],
    path: string,
    ok: readonly number[],
    signal: AbortSignal | undefined,
    body?: RestBody,
  ): Promise<ProviderHttpAnswer> {
    const headers: Record<string, string> = { ...this.headers, accept: 'application/json' };
    const req: ProviderHttpRequest = {
      provider: this.provider,
      operation,
      method,
      url: this.#baseUrl + path,
      headers,
      ok,
      timeoutMs: this.#timeoutMs,
      signal,
      transport: this.#transport,
    };
    if (body !== undefined) {
      headers['content-type'] = body.contentType;
      req.body = body.text;
    }
    return providerExchange(req);
  }
}

/**
 * The call status in a JSON answer: `status`/`Status` at the top level or under `call`/`Call`
 * (Twilio is flat; Exotel nests it under `Call`, or `call` in its newer docs), lower-cased.
 */
export function callStatusOf(text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const pickStatus = (o: unknown): string | undefined => {
    if (typeof o !== 'object' || o === null) return undefined;
    const v = (o as Record<string, unknown>).status ?? (o as Record<string, unknown>).Status;
    return typeof v === 'string' ? v.toLowerCase() : undefined;
  };
  const root = body as Record<string, unknown> | null;
  return pickStatus(root?.Call) ?? pickStatus(root?.call) ?? pickStatus(root);
}

/** Rejects unless the answer says the call is `in-progress`. */
export function requireInProgress(provider: ProviderName, answer: ProviderHttpAnswer): void {
  const status = callStatusOf(answer.text);
  if (status === 'in-progress') return;
  throw new ProviderApiError('provider_call_not_live', `${provider} validate rejected: call is not in progress`, {
    provider,
    operation: 'validate',
    status: answer.status,
  });
}
