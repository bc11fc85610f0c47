/**
 * One provider HTTP request with an owned timeout, the caller's `AbortSignal`, and error
 * classification into {@link ProviderApiError}. Internal to the package; shared by every
 * provider's REST client.
 */
import type { ProviderName } from '@vr3/protocol';
import { ProviderApiError, ProviderConfigError } from './errors.ts';
import type { ProviderApiOperation } from './errors.ts';

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
  fetch: typeof fetch;
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

/** Largest answer body read by {@link providerExchange}; a longer one is cut (and is not valid JSON). */
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
 * Rejects like {@link providerRequest}.
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
  // Rejects when the request is aborted, so a `fetch` that ignores its signal still cannot hang us.
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

  try {
    const init: RequestInit = { method: req.method, headers: req.headers, signal: controller.signal, redirect: 'manual' };
    if (req.body !== undefined) init.body = req.body;
    const res = await Promise.race([req.fetch(req.url, init), aborted]);
    // Drain the body inside the deadline so the connection is released (and a stalled body times out).
    const body = await Promise.race([res.arrayBuffer(), aborted]);
    const status = res.status;
    if (req.ok.includes(status)) return { status, text: Buffer.from(body, 0, Math.min(body.byteLength, MAX_PROVIDER_BODY_BYTES)).toString('utf8') };
    if (status >= 500 || status === 429 || status === 408) {
      throw fail('provider_unavailable', `${label} failed: provider unavailable (HTTP ${status})`, status);
    }
    throw fail('provider_rejected', `${label} rejected (HTTP ${status})`, status);
  } catch (err) {
    if (err instanceof ProviderApiError) throw err;
    if (timedOut) throw fail('provider_timeout', `${label} timed out after ${req.timeoutMs} ms`, undefined, err);
    if (caller?.aborted) throw fail('provider_aborted', `${label} aborted by caller`, undefined, caller.reason);
    throw fail('provider_network', `${label} failed: network error`, undefined, err);
  } finally {
    clearTimeout(timer);
    caller?.removeEventListener('abort', onCallerAbort);
    controller.signal.removeEventListener('abort', onAbort);
  }
}
