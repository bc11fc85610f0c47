import { Vr3Error } from '@vr3/protocol';
import type { ProviderName } from './provider-name.ts';
import type { AddressRule } from './address-rules.ts';

/**
 * Codes of {@link ProviderFrameError}: an inbound frame the adapter cannot accept, or an outbound
 * frame it cannot build.
 */
export const ProviderFrameErrorCode = {
  /** Binary frame, not JSON, not an object, no `event`, or a required field missing or mistyped. */
  MalformedFrame: 'malformed_frame',
  /** `start` announces an audio encoding, sample rate or channel count the adapter does not handle. */
  UnsupportedMediaFormat: 'unsupported_media_format',
  /** An outbound frame was requested before {@link StreamAdapter.bind} supplied the stream id. */
  NotBound: 'adapter_not_bound',
} as const;

/** One of {@link ProviderFrameErrorCode}. */
export type ProviderFrameErrorCode = (typeof ProviderFrameErrorCode)[keyof typeof ProviderFrameErrorCode];

/**
 * A provider frame was rejected. Never retryable: the same frame fails the same way.
 * During the handshake the media-edge maps it to `malformed_handshake` (close 4400).
 */
export class ProviderFrameError extends Vr3Error<ProviderFrameErrorCode> {}

/** Codes of {@link ProviderConfigError}. */
export const ProviderConfigErrorCode = {
  /** A provider account identifier (e.g. a Cloudonix domain) is empty or not a valid name. */
  InvalidDomain: 'invalid_domain',
  /** An Exotel/Twilio account SID or a Vobiz/Plivo auth id is empty or has characters ids never have. */
  InvalidAccountId: 'invalid_account_id',
  /** A {@link CallRef} lacks its account or call id. */
  InvalidCallRef: 'invalid_call_ref',
  /** A client option is out of range or of the wrong shape (base URL, timeout, transfer target). */
  InvalidOption: 'invalid_option',
  /** No credential was given to a provider API client. */
  MissingCredentials: 'missing_credentials',
} as const;

/** One of {@link ProviderConfigErrorCode}. */
export type ProviderConfigErrorCode = (typeof ProviderConfigErrorCode)[keyof typeof ProviderConfigErrorCode];

/** Bad configuration or arguments given to this package; a programming or data error, never retryable. */
export class ProviderConfigError extends Vr3Error<ProviderConfigErrorCode> {}

/** Codes of {@link ProviderApiError}, with whether a caller may retry the same request. */
export const ProviderApiErrorCode = {
  /** No answer within the client's timeout. Retryable. */
  Timeout: 'provider_timeout',
  /** HTTP 5xx, 408 or 429. Retryable. */
  Unavailable: 'provider_unavailable',
  /** Connection refused/reset, DNS failure, TLS failure: no HTTP answer at all. Retryable. */
  Network: 'provider_network',
  /** Any other non-success answer (4xx, unexpected status). Not retryable. */
  Rejected: 'provider_rejected',
  /** The caller's `AbortSignal` fired before an answer. Not retryable (the caller gave up). */
  Aborted: 'provider_aborted',
  /** The provider knows the call but says it is not in progress (queued, ringing, completed, …). Not retryable. */
  CallNotLive: 'provider_call_not_live',
  /**
   * The API host resolved (at connect time) to an address the client's address policy refuses, or
   * the URL is not https under that policy: nothing was sent. Not retryable.
   */
  AddressNotAllowed: 'provider_address_not_allowed',
} as const;

/** One of {@link ProviderApiErrorCode}. */
export type ProviderApiErrorCode = (typeof ProviderApiErrorCode)[keyof typeof ProviderApiErrorCode];

/** Whether each {@link ProviderApiErrorCode} may be retried. */
export const PROVIDER_API_RETRYABLE = {
  provider_timeout: true,
  provider_unavailable: true,
  provider_network: true,
  provider_rejected: false,
  provider_aborted: false,
  provider_call_not_live: false,
  provider_address_not_allowed: false,
} as const satisfies Record<ProviderApiErrorCode, boolean>;

/** The provider API operation that failed. */
export type ProviderApiOperation = 'validate' | 'hangup' | 'transfer' | 'place' | 'attach' | 'detach';

/** Options for {@link ProviderApiError}. */
export interface ProviderApiErrorOptions {
  provider: ProviderName;
  operation: ProviderApiOperation;
  /** HTTP status of the provider's answer, when there was one. */
  status?: number;
  cause?: unknown;
}

/**
 * A provider REST call failed. `retryable` follows {@link PROVIDER_API_RETRYABLE}.
 * Messages name the provider, operation and status only: never a credential, URL or call id.
 */
export class ProviderApiError extends Vr3Error<ProviderApiErrorCode> {
  readonly provider: ProviderName;
  readonly operation: ProviderApiOperation;
  declare readonly status?: number;
  constructor(code: ProviderApiErrorCode, message: string, options: ProviderApiErrorOptions) {
    super(code, message, { cause: options.cause, retryable: PROVIDER_API_RETRYABLE[code] });
    this.provider = options.provider;
    this.operation = options.operation;
    if (options.status !== undefined) this.status = options.status;
  }
}

/** Codes of {@link RemoteAddressError}. */
export const RemoteAddressErrorCode = {
  /** The host is, or resolves to (any of its addresses), an address refused by an {@link AddressRule}; or the scheme is not https. */
  NotAllowed: 'address_not_allowed',
  /** The host name did not resolve (no such name, no address, DNS failure or deadline). */
  Unresolvable: 'host_unresolvable',
} as const;

/** One of {@link RemoteAddressErrorCode}. */
export type RemoteAddressErrorCode = (typeof RemoteAddressErrorCode)[keyof typeof RemoteAddressErrorCode];

/**
 * A remote host was refused before anything was sent to it. `rule` names why (`address_not_allowed`).
 * Messages describe the rule, never the host name or its addresses.
 */
export class RemoteAddressError extends Vr3Error<RemoteAddressErrorCode> {
  declare readonly rule?: AddressRule | 'insecure_scheme';
  constructor(code: RemoteAddressErrorCode, message: string, options: { rule?: AddressRule | 'insecure_scheme'; cause?: unknown } = {}) {
    super(code, message, { cause: options.cause, retryable: code === 'host_unresolvable' });
    if (options.rule !== undefined) this.rule = options.rule;
  }
}

/** Codes of {@link RemoteBodyError}. */
export const RemoteBodyErrorCode = {
  /** The body is longer than the reader's byte cap; the stream was cancelled. */
  TooLarge: 'body_too_large',
  /** The body did not end within the reader's deadline; the stream was cancelled. */
  Timeout: 'body_timeout',
  /** The caller's `AbortSignal` fired while reading; the stream was cancelled. */
  Aborted: 'body_aborted',
  /** The stream failed (connection reset, decoding error). */
  Failed: 'body_failed',
} as const;

/** One of {@link RemoteBodyErrorCode}. */
export type RemoteBodyErrorCode = (typeof RemoteBodyErrorCode)[keyof typeof RemoteBodyErrorCode];

/** Reading a remote body was stopped. `body_timeout` and `body_failed` are retryable. */
export class RemoteBodyError extends Vr3Error<RemoteBodyErrorCode> {
  constructor(code: RemoteBodyErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { cause: options.cause, retryable: code === 'body_timeout' || code === 'body_failed' });
  }
}
