/**
 * One webhook attempt on the wire: a signed POST through the provider transport (`@vr3/providers`),
 * whose sockets connect only where the address policy allows, with a deadline on the answer's
 * status. The answer's body is never read.
 */
import { performance } from 'node:perf_hooks';
import type { HttpTransport } from '@vr3/providers';

/** One request to a receiver. */
export interface WebhookRequest {
  url: string;
  body: string;
  /** Signature, event, delivery and attempt headers. */
  headers: Record<string, string>;
  /** Deadline of connect, send and the answer's status line, in milliseconds. */
  timeoutMs: number;
}

/** What one attempt came to. */
export interface WebhookAttemptOutcome {
  /** The receiver's status; null when it did not answer. */
  statusCode: number | null;
  /** Null when delivered (2xx); else a stable code (see {@link WebhookFailure}). */
  error: WebhookFailure | null;
  durationMs: number;
}

/** Why an attempt did not deliver. */
export const WebhookFailure = {
  /** The receiver answered a status other than 2xx. */
  HttpStatus: 'http_status',
  /** No answer within the deadline. */
  Timeout: 'timeout',
  ConnectionRefused: 'connection_refused',
  ConnectionReset: 'connection_reset',
  /** The host does not resolve. */
  HostUnresolvable: 'host_unresolvable',
  /** The host is or resolves to an address the policy refuses (loopback, private, …), or the URL is not https. */
  AddressNotAllowed: 'address_not_allowed',
  /** Any other network failure. */
  NetworkError: 'network_error',
  /** The agent's webhook was removed or its secret cannot be opened: given up without a request. */
  WebhookUnavailable: 'webhook_unavailable',
} as const;

/** One of {@link WebhookFailure}. */
export type WebhookFailure = (typeof WebhookFailure)[keyof typeof WebhookFailure];

/** Sends `req`; never throws: every failure is an outcome. */
export async function postWebhook(transport: HttpTransport, req: WebhookRequest): Promise<WebhookAttemptOutcome> {
  const started = performance.now();
  const signal = AbortSignal.timeout(req.timeoutMs);
  const elapsed = (): number => Math.round(performance.now() - started);
  try {
    const answer = await transport({
      method: 'POST',
      url: req.url,
      headers: { 'content-type': 'application/json', 'user-agent': 'VR3-Webhooks/1', ...req.headers },
      body: req.body,
      signal,
    });
    answer.discard();
    const delivered = answer.status >= 200 && answer.status < 300;
    return { statusCode: answer.status, error: delivered ? null : WebhookFailure.HttpStatus, durationMs: elapsed() };
  } catch (err) {
    return { statusCode: null, error: signal.aborted ? WebhookFailure.Timeout : failureOf(err), durationMs: elapsed() };
  }
}

/** The stable code of a transport failure. */
function failureOf(err: unknown): WebhookFailure {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'address_not_allowed':
      return WebhookFailure.AddressNotAllowed;
    case 'host_unresolvable':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return WebhookFailure.HostUnresolvable;
    case 'ECONNREFUSED':
      return WebhookFailure.ConnectionRefused;
    case 'ECONNRESET':
    case 'EPIPE':
      return WebhookFailure.ConnectionReset;
    default:
      return WebhookFailure.NetworkError;
  }
}
