/**
 * The one error class of the streaming vendor clients (Deepgram, ElevenLabs, Cartesia): a stable
 * `code`, the vendor, what the vendor said (HTTP status, close code, its own error code) and whether a
 * retry may help. Messages are static and never hold a URL, a key, a transcript or text to speak.
 */
import { Vr3Error } from '@vr3/protocol';
import type { AddressRule } from '@vr3/providers';

/** A vendor spoken to over a streaming WebSocket. */
export type StreamingVendor = 'deepgram' | 'elevenlabs' | 'cartesia';

/** Codes of {@link VendorStreamError}. */
export const VendorStreamErrorCode = {
  /** An option is missing or out of range (API key, base URL, sample rate, …); nothing was sent. */
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
  /** The vendor closed the socket (or it dropped) without a reason we know; retryable for 1001/1006/1011–1014. */
  VendorClosed: 'vendor_closed',
  /** A reply was due (a flush, a finalize, the end of a context) and nothing came within `idleTimeoutMs`. Retryable. */
  IdleTimeout: 'idle_timeout',
  /** The vendor sent a message over `maxMessageBytes`; the socket was closed with 1009. */
  MessageTooLarge: 'message_too_large',
  /** A vendor message that is not what its wire format says (not JSON, a field missing or mistyped); skipped. */
  MalformedMessage: 'malformed_message',
  /** The caller's `AbortSignal` fired. */
  Aborted: 'aborted',
} as const;

/** One of {@link VendorStreamErrorCode}. */
export type VendorStreamErrorCode = (typeof VendorStreamErrorCode)[keyof typeof VendorStreamErrorCode];

/**
 * WebSocket close codes a reconnect may cure: going away (1001), dropped without a close frame
 * (1006), server error (1011), service restart (1012), try again later (1013), bad gateway (1014).
 */
export const RETRYABLE_CLOSE_CODES: ReadonlySet<number> = new Set([1001, 1006, 1011, 1012, 1013, 1014]);

/** HTTP statuses of a refused upgrade a retry may cure. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Facts a {@link VendorStreamError} may carry. */
export interface VendorStreamErrorOptions {
  cause?: unknown;
  /** Overrides the default of the code (see {@link VendorStreamError}). */
  retryable?: boolean | undefined;
  /** HTTP status of a refused upgrade. */
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

const DEFAULT_RETRYABLE: Readonly<Record<VendorStreamErrorCode, boolean>> = {
  invalid_option: false,
  address_not_allowed: false,
  connect_failed: true,
  connect_timeout: true,
  auth_failed: false,
  upgrade_refused: false,
  vendor_error: false,
  vendor_closed: false,
  idle_timeout: true,
  message_too_large: false,
  malformed_message: false,
  aborted: false,
};

/**
 * A streaming vendor connection failed, or the vendor reported an error. `retryable` says whether
 * opening a new connection with the same options may succeed.
 */
export class VendorStreamError extends Vr3Error<VendorStreamErrorCode> {
  readonly vendor: StreamingVendor;
  declare readonly httpStatus?: number;
  declare readonly closeCode?: number;
  declare readonly vendorCode?: string;
  declare readonly vendorMessage?: string;
  declare readonly rule?: AddressRule | 'insecure_scheme';

  constructor(vendor: StreamingVendor, code: VendorStreamErrorCode, message: string, options: VendorStreamErrorOptions = {}) {
    super(code, message, { cause: options.cause, retryable: options.retryable ?? DEFAULT_RETRYABLE[code] });
    this.vendor = vendor;
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
  error?: VendorStreamError | undefined;
}
