/**
 * One provider HTTP request with an owned timeout, the caller's `AbortSignal`, a capped body read
 * and error classification into {@link ProviderApiError}. Internal to the package; shared by every
 * provider's REST client.
 */
import type { ProviderName } from './provider-name.ts';
import { ADDRESS_RULE_DESCRIPTIONS } from './address-rules.ts';
import { ProviderApiError, ProviderConfigError, RemoteAddressError, RemoteBodyError } from './errors.ts';
import type { ProviderApiOperation } from './errors.ts';
import type { HttpTransport, TransportAnswer } from './http-transport.ts';
import { readRemoteBody } from './remote-body.ts';

/** What a provider client asks for. */
export interface ProviderHttpRequest {
  provider: ProviderName;
  operation: ProviderApiOperation;
  method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Statuses that mean success for this operation. */
  ok: readonly number[];
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  transport: HttpTransport;
}

/** Validates a client timeout option. */
export function checkTimeoutMs(value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new ProviderConfigError('invalid_option', 'timeoutMs must be a positive number of milliseconds');
  }
  return value;
}

/** Validates and normalizes a base URL option (http/https, no trailing slash, no query). */
export function checkBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (err) {
    throw new ProviderConfigError('invalid_option', 'baseUrl is not a valid URL', { cause: err });
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new ProviderConfigError('invalid_option', 'baseUrl must be an http(s) URL without query, fragment or credentials');
  }
  return url.href.replace(/\/+$/, '');
}

/**
 * Largest answer body read by {@link providerExchange}. A longer one is not read past this point:
 * the connection is dropped and the request fails `provider_rejected`.
 */
export const MAX_PROVIDER_BODY_BYTES = 256 * 1024;

/** A successful answer. */
export interface ProviderHttpAnswer {
  status: number;
  /** The body as UTF-8 text, at most {@link MAX_PROVIDER_BODY_BYTES} bytes. */
  text: string;
}

/**
 * Sends one request and resolves with the status when it is in `ok`. The timeout covers the whole
 * exchange, including reading the body; the timer is cleared and the caller's signal listener
 * removed on every path. Messages never contain the URL, headers or body.
 */
export async function providerRequest(req: ProviderHttpRequest): Promise<number> {
  return (await providerExchange(req)).status;
}

/**
 * {@link providerRequest}, also returning the answer body (for status checks on a call resource).
 * A success body is streamed up to {@link MAX_PROVIDER_BODY_BYTES} within the deadline; any other
 * answer's body is dropped unread. Rejects with `ProviderApiError`:
 * `provider_timeout` (deadline, also while the body trickles), `provider_aborted` (caller),
 * `provider_unavailable` (5xx, 408, 429), `provider_rejected` (other statuses, a body over the cap),
 * `provider_address_not_allowed` (the address policy refused the host: nothing was sent),
 * `provider_network` (no answer).
 */
export async function providerExchange(req: ProviderHttpRequest): Promise<ProviderHttpAnswer> {
  const label = `${req.provider} ${req.operation}`;
  const fail = (code: ProviderApiError['code'], message: string, status?: number, cause?: unknown): ProviderApiError =>
    new ProviderApiError(code, message, {
      provider: req.provider,
      operation: req.operation,
      ...(status === undefined ? {} : { status }),
      ...(cause === undefined ? {} : { cause }),
    });

  const caller = req.signal;
  if (caller?.aborted) throw fail('provider_aborted', `${label} aborted by caller`, undefined, caller.reason);

  const controller = new AbortController();
  let timedOut = false;
  // Rejects when the request is aborted, so a transport that ignores its signal still cannot hang us.
  let onAbort = (): void => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = (): void => reject(new Error('request aborted'));
  });
  aborted.catch(() => {});
  controller.signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, req.timeoutMs);
  const onCallerAbort = (): void => controller.abort();
  caller?.addEventListener('abort', onCallerAbort, { once: true });

  const sent = req.transport({ method: req.method, url: req.url, headers: req.headers, body: req.body, signal: controller.signal });
  let answer: TransportAnswer | undefined;
  let finished = false;
  try {
    answer = await Promise.race([sent, aborted]);
    const status = answer.status;
    if (!req.ok.includes(status)) {
      answer.discard();
      if (status >= 500 || status === 429 || status === 408) {
        throw fail('provider_unavailable', `${label} failed: provider unavailable (HTTP ${status})`, status);
      }
      throw fail('provider_rejected', `${label} rejected (HTTP ${status})`, status);
    }
    const body = await readRemoteBody(answer.body, { maxBytes: MAX_PROVIDER_BODY_BYTES, signal: controller.signal });
    finished = true;
    return { status, text: body.toString('utf8') };
  } catch (err) {
    if (err instanceof ProviderApiError) throw err;
    if (err instanceof RemoteBodyError && err.code === 'body_too_large') {
      throw fail('provider_rejected', `${label} rejected: answer body exceeds ${MAX_PROVIDER_BODY_BYTES} bytes`, answer?.status, err);
    }
    if (err instanceof RemoteAddressError && err.code === 'address_not_allowed') {
      const why = err.rule === undefined || err.rule === 'insecure_scheme' ? 'the API URL is not https' : `the API host is ${ADDRESS_RULE_DESCRIPTIONS[err.rule]}`;
      throw fail('provider_address_not_allowed', `${label} refused: ${why}`, undefined, err);
    }
    if (timedOut) throw fail('provider_timeout', `${label} timed out after ${req.timeoutMs} ms`, undefined, err);
    if (caller?.aborted) throw fail('provider_aborted', `${label} aborted by caller`, undefined, caller.reason);
    throw fail('provider_network', `${label} failed: network error`, undefined, err);
  } finally {
    clearTimeout(timer);
    caller?.removeEventListener('abort', onCallerAbort);
    controller.signal.removeEventListener('abort', onAbort);
    if (!finished) {
      controller.abort();
      // An answer that arrived after we gave up is dropped too.
      if (answer === undefined) sent.then((late) => late.discard(), () => {});
    }
  }
}
