/**
 * Errors of the OpenAI-compatible and OpenAI Realtime clients: a stable `code`, the vendor label,
 * the operation, the HTTP status when there was an answer, a short redacted excerpt of an error
 * body, and whether a retry may help.
 */
import { Vr3Error } from '@vr3/protocol';

/** Codes of {@link OpenAiError}; {@link OPENAI_ERROR_RETRYABLE} says which a caller may retry. */
export const OpenAiErrorCode = {
  /** No response headers and first body byte within `firstByteTimeoutMs`. Retryable. */
  FirstByteTimeout: 'vendor_first_byte_timeout',
  /** A streamed body went quiet for longer than `idleTimeoutMs`. Retryable. */
  IdleTimeout: 'vendor_idle_timeout',
  /** A non-streamed exchange (transcription, a WebSocket handshake) did not finish in time. Retryable. */
  Timeout: 'vendor_timeout',
  /** HTTP 5xx, 408 or 429. Retryable. */
  Unavailable: 'vendor_unavailable',
  /** Any other non-2xx answer (401, 400, 404, …). Not retryable. */
  Rejected: 'vendor_rejected',
  /** No answer (refused, reset, DNS, TLS), or the stream broke off before its end. Retryable. */
  Network: 'vendor_network',
  /** The caller's `AbortSignal` fired. Not retryable. */
  Aborted: 'vendor_aborted',
  /** The address policy refused the URL (not https, or a non-public address): nothing was sent. Not retryable. */
  AddressNotAllowed: 'vendor_address_not_allowed',
  /** One SSE line (or event) exceeded `maxSseLineBytes`; the connection was dropped. Not retryable. */
  LineTooLong: 'vendor_line_too_long',
  /** The whole response exceeded its byte cap; the connection was dropped. Not retryable. */
  ResponseTooLarge: 'vendor_response_too_large',
  /** The answer does not follow the wire format (bad JSON, a tool call without a name). Not retryable. */
  MalformedResponse: 'vendor_malformed_response',
  /** The vendor reported an error inside a 200 stream (`data: {"error":…}`). Retryable. */
  StreamError: 'vendor_stream_error',
  /** The Realtime socket closed without {@link OpenAiRealtimeSession.close} being called. Retryable. */
  Closed: 'vendor_closed',
} as const;

/** One of {@link OpenAiErrorCode}. */
export type OpenAiErrorCode = (typeof OpenAiErrorCode)[keyof typeof OpenAiErrorCode];

/** Whether each {@link OpenAiErrorCode} may be retried. */
export const OPENAI_ERROR_RETRYABLE = {
  vendor_first_byte_timeout: true,
  vendor_idle_timeout: true,
  vendor_timeout: true,
  vendor_unavailable: true,
  vendor_rejected: false,
  vendor_network: true,
  vendor_aborted: false,
  vendor_address_not_allowed: false,
  vendor_line_too_long: false,
  vendor_response_too_large: false,
  vendor_malformed_response: false,
  vendor_stream_error: true,
  vendor_closed: true,
} as const satisfies Record<OpenAiErrorCode, boolean>;

/** The operation that failed. */
export type OpenAiOperation = 'chat' | 'transcription' | 'speech' | 'realtime';

/** Options of {@link OpenAiError}. */
export interface OpenAiErrorOptions {
  /** Vendor label (`'openai'`, `'groq'`, …) as configured on the client. */
  vendor: string;
  operation: OpenAiOperation;
  /** HTTP status of the answer, when there was one. */
  status?: number | undefined;
  /** At most {@link MAX_BODY_EXCERPT_CHARS} characters of an error body, credentials redacted. */
  bodyExcerpt?: string | undefined;
  cause?: unknown;
}

/**
 * A vendor request failed. Messages name the vendor, operation and status only: never the API key,
 * the URL or what was said. The vendor's own words are in `bodyExcerpt` (redacted).
 */
export class OpenAiError extends Vr3Error<OpenAiErrorCode> {
  readonly vendor: string;
  readonly operation: OpenAiOperation;
  declare readonly status?: number;
  declare readonly bodyExcerpt?: string;
  constructor(code: OpenAiErrorCode, message: string, options: OpenAiErrorOptions) {
    super(code, message, { cause: options.cause, retryable: OPENAI_ERROR_RETRYABLE[code] });
    this.vendor = options.vendor;
    this.operation = options.operation;
    if (options.status !== undefined) this.status = options.status;
    if (options.bodyExcerpt !== undefined) this.bodyExcerpt = options.bodyExcerpt;
  }
}

/** A client option or request argument is invalid: a programming or data error, never retryable. */
export class OpenAiConfigError extends Vr3Error<'invalid_option'> {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('invalid_option', message, { cause: options.cause });
  }
}

/** Longest {@link OpenAiError.bodyExcerpt}, in characters. */
export const MAX_BODY_EXCERPT_CHARS = 200;

/**
 * `text` cut to {@link MAX_BODY_EXCERPT_CHARS} with the API key and anything shaped like a bearer
 * token or an OpenAI-style key (`sk-…`) replaced by `[redacted]` (vendors echo the key they were
 * given in 401 bodies). Control characters become spaces.
 */
export function bodyExcerptOf(text: string, apiKey: string): string {
  let out = apiKey.length >= 4 ? text.split(apiKey).join('[redacted]') : text;
  out = out
    .replace(/Bearer\s+[^\s"',]+/gi, 'Bearer [redacted]')
    .replace(/\b(sk|rk|pk)-[A-Za-z0-9_*.-]{6,}/g, '[redacted]')
    .replace(/\p{Cc}+/gu, ' ')
    .trim();
  return out.length > MAX_BODY_EXCERPT_CHARS ? `${out.slice(0, MAX_BODY_EXCERPT_CHARS - 1)}…` : out;
}
