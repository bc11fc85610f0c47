/**
 * The one error class of `@vr3/vendors`: every vendor client (OpenAI-compatible HTTP, OpenAI
 * Realtime, Deepgram, ElevenLabs, Cartesia) fails with a {@link VendorError} carrying a stable
 * `code`, the vendor, what the vendor said (HTTP status, close code, its own error code, a redacted
 * body excerpt) and whether a retry may help. Messages are static and never hold a URL, a key, a
 * transcript or text to speak.
 */
import { Vr3Error } from '@vr3/protocol';
import type { AddressRule } from '@vr3/providers';

/** A vendor spoken to over a streaming WebSocket. */
export type StreamingVendor = 'deepgram' | 'elevenlabs' | 'cartesia';

/**
 * Codes of {@link VendorError}. The streaming clients (Deepgram, ElevenLabs, Cartesia) use the
 * unprefixed codes; the OpenAI-compatible and OpenAI Realtime clients the `vendor_*` ones (and
 * `invalid_option` for bad options). {@link VENDOR_ERROR_RETRYABLE} gives each code's default
 * `retryable`.
 */
export const VendorErrorCode = {
  /** An option or request argument is missing or out of range (API key, base URL, sample rate, audio, …); nothing was sent. */
  InvalidOption: 'invalid_option',
  /** The base URL is not https/wss, or its host is or resolves to a refused address (`rule` says which). */
  AddressNotAllowed: 'address_not_allowed',
  /** DNS, TCP or TLS failure before the upgrade (also a host name that does not resolve). Retryable. */
  ConnectFailed: 'connect_failed',
  /** No open WebSocket within `connectTimeoutMs` (DNS, TCP, TLS and upgrade together). Retryable. */
  ConnectTimeout: 'connect_timeout',
  /** The vendor answered the upgrade 401 or 403: the key is wrong, revoked or lacks the scope. */
  AuthFailed: 'auth_failed',
  /** The vendor answered the upgrade with another HTTP status; retryable for 408, 429 and 5xx. */
  UpgradeRefused: 'upgrade_refused',
  /** The vendor reported an error in-band (an error message, or a close frame naming one). */
  VendorError: 'vendor_error',
  /**
   * The vendor closed the socket (or it dropped) without being asked. Retryable by default (the
   * OpenAI Realtime session); the streaming clients decide by close code (1000/1001/1006/1011–1014).
   */
  VendorClosed: 'vendor_closed',
  /** A reply was due (a flush, a finalize, the end of a context) and nothing came within `idleTimeoutMs`. Retryable. */
  IdleTimeout: 'idle_timeout',
  /** The vendor sent a message over `maxMessageBytes`; the socket was closed with 1009. */
  MessageTooLarge: 'message_too_large',
  /** A vendor message that is not what its wire format says (not JSON, a field missing or mistyped); skipped. */
  MalformedMessage: 'malformed_message',
  /** The caller's `AbortSignal` fired (streaming clients). */
  Aborted: 'aborted',
  /** HTTP: no response headers and first body byte within `firstByteTimeoutMs`. Retryable. */
  FirstByteTimeout: 'vendor_first_byte_timeout',
  /** HTTP: a streamed body went quiet for longer than `idleTimeoutMs`. Retryable. */
  BodyIdleTimeout: 'vendor_idle_timeout',
  /** A non-streamed exchange (transcription, a Realtime WebSocket handshake) did not finish in time. Retryable. */
  RequestTimeout: 'vendor_timeout',
  /** HTTP 5xx, 408 or 429. Retryable. */
  Unavailable: 'vendor_unavailable',
  /** Any other non-2xx answer (401, 400, 404, …). Not retryable. */
  Rejected: 'vendor_rejected',
  /** No answer (refused, reset, DNS, TLS), or the stream broke off before its end. Retryable. */
  Network: 'vendor_network',
  /** The caller's `AbortSignal` fired (OpenAI clients). Not retryable. */
  RequestAborted: 'vendor_aborted',
  /** The address policy refused an OpenAI URL (not https/wss, or a non-public address): nothing was sent. */
  RequestAddressNotAllowed: 'vendor_address_not_allowed',
  /** One SSE line (or event) exceeded `maxSseLineBytes`; the connection was dropped. Not retryable. */
  LineTooLong: 'vendor_line_too_long',
  /** The whole response exceeded its byte cap; the connection was dropped. Not retryable. */
  ResponseTooLarge: 'vendor_response_too_large',
  /** The answer does not follow the wire format (bad JSON, a tool call without a name). Not retryable. */
  MalformedResponse: 'vendor_malformed_response',
  /** The vendor reported an error inside a 200 stream (`data: {"error":…}`). Retryable. */
  StreamError: 'vendor_stream_error',
} as const;

/** One of {@link VendorErrorCode}. */
export type VendorErrorCode = (typeof VendorErrorCode)[keyof typeof VendorErrorCode];

/** Whether each {@link VendorErrorCode} may be retried, unless the error says otherwise. */
export const VENDOR_ERROR_RETRYABLE = {
  invalid_option: false,
  address_not_allowed: false,
  connect_failed: true,
  connect_timeout: true,
  auth_failed: false,
  upgrade_refused: false,
  vendor_error: false,
  vendor_closed: true,
  idle_timeout: true,
  message_too_large: false,
  malformed_message: false,
  aborted: false,
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
} as const satisfies Record<VendorErrorCode, boolean>;

/** The OpenAI operation that failed. */
export type OpenAiOperation = 'chat' | 'transcription' | 'speech' | 'realtime';

/**
 * WebSocket close codes a reconnect may cure: going away (1001), dropped without a close frame
 * (1006), server error (1011), service restart (1012), try again later (1013), bad gateway (1014).
 */
export const RETRYABLE_CLOSE_CODES: ReadonlySet<number> = new Set([1001, 1006, 1011, 1012, 1013, 1014]);

/** HTTP statuses a retry may cure. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Facts a {@link VendorError} may carry. */
export interface VendorErrorOptions {
  cause?: unknown;
  /** Overrides the default of the code ({@link VENDOR_ERROR_RETRYABLE}). */
  retryable?: boolean | undefined;
  /** The OpenAI operation that failed. */
  operation?: OpenAiOperation | undefined;
  /** HTTP status of an OpenAI answer, when there was one. */
  status?: number | undefined;
  /** At most {@link MAX_BODY_EXCERPT_CHARS} characters of an error body, credentials redacted. */
  bodyExcerpt?: string | undefined;
  /** HTTP status of a refused WebSocket upgrade (streaming clients). */
  httpStatus?: number | undefined;
  /** WebSocket close code the vendor (or `ws`) closed with. */
  closeCode?: number | undefined;
  /** The vendor's own error code (`NET-0001`, `model_not_found`, a `dg-error` value, …), at most 100 characters. */
  vendorCode?: string | undefined;
  /** The vendor's own error text, at most 300 characters; for logs, never for branching. */
  vendorMessage?: string | undefined;
  /** Why an address was refused (`address_not_allowed`). */
  rule?: AddressRule | 'insecure_scheme' | undefined;
}

/**
 * A vendor request or connection failed, the vendor reported an error, or an option was bad.
 * `retryable` says whether trying again with the same options may succeed. Messages name the vendor,
 * operation and status only: never the API key, the URL or what was said.
 */
export class VendorError extends Vr3Error<VendorErrorCode> {
  /** The vendor: a {@link StreamingVendor}, or the OpenAI-compatible client's label (`'openai'`, `'groq'`, …). */
  readonly vendor: string;
  declare readonly operation?: OpenAiOperation;
  declare readonly status?: number;
  declare readonly bodyExcerpt?: string;
  declare readonly httpStatus?: number;
  declare readonly closeCode?: number;
  declare readonly vendorCode?: string;
  declare readonly vendorMessage?: string;
  declare readonly rule?: AddressRule | 'insecure_scheme';

  constructor(vendor: string, code: VendorErrorCode, message: string, options: VendorErrorOptions = {}) {
    super(code, message, { cause: options.cause, retryable: options.retryable ?? VENDOR_ERROR_RETRYABLE[code] });
    this.vendor = vendor;
    if (options.operation !== undefined) this.operation = options.operation;
    if (options.status !== undefined) this.status = options.status;
    if (options.bodyExcerpt !== undefined) this.bodyExcerpt = options.bodyExcerpt;
    if (options.httpStatus !== undefined) this.httpStatus = options.httpStatus;
    if (options.closeCode !== undefined) this.closeCode = options.closeCode;
    if (options.vendorCode !== undefined) this.vendorCode = options.vendorCode.slice(0, 100);
    if (options.vendorMessage !== undefined) this.vendorMessage = options.vendorMessage.slice(0, 300);
    if (options.rule !== undefined) this.rule = options.rule;
  }
}

/** How a stream ended: the close code and reason, and the error when it did not end as asked. */
export interface VendorStreamClosed {
  /** The close code received (or sent); 1006 when the connection dropped without one. */
  code: number;
  /** The close reason (at most 123 bytes, the vendor's text). */
  reason: string;
  /** `undefined` when the stream ended because the client closed it and the vendor agreed. */
  error?: VendorError | undefined;
}

/** Longest {@link VendorError.bodyExcerpt}, in characters. */
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
