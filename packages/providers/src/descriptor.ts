/**
 * The one description of a provider: its stream side (what the media-edge needs), its
 * telephony-configuration side (what the control-plane stores, checks and calls), and the
 * call-control slots. One per provider folder (`src/<provider>/provider.ts`), listed in
 * `registry.ts`; nothing else in the product names a provider.
 */
import type { AccountSource, HandshakeOrder, ProviderSettingSpec, StreamAdapter, StreamAdapterOptions, StreamEndSignal } from './adapter.ts';
import type { ProviderApiClient } from './api-client.ts';
import type { CheckCredentials } from './credential-check.ts';
import type { AttachStream, BuildAnswerDocument, CallbackSignatureSpec, ParseCallback, PlaceCall, StopStream } from './call-control.ts';
import type { TransportOptions } from './http-transport.ts';

/** What a REST client of one stored telephony configuration is built from. */
export interface ConfiguredClientOptions extends TransportOptions {
  /** The configuration's API base URL. */
  baseUrl: string;
  /** The configuration's account id, normalized (Cloudonix domain, account SID, auth id). */
  accountId: string;
  /** Decrypted secrets keyed by {@link TelephonySpec.credentialFields}; never logged. */
  credentials: Readonly<Record<string, string>>;
  /** Per-request deadline in milliseconds. Default 5000. */
  timeoutMs?: number | undefined;
}

/** How a provider signs the WebSocket upgrade request of a stream. */
export interface UpgradeSignatureSpec {
  /** Lower-case header carrying the signature (`x-twilio-signature`). */
  readonly header: string;
  /** The header as the provider spells it, for failure descriptions (`X-Twilio-Signature`). */
  readonly label: string;
  /** The credential field holding the signing key. */
  readonly credentialField: string;
  /** Whether `signature` signs a GET of `url` under `secret`; constant time. */
  verify(url: string, signature: string, secret: string): boolean;
}

/** How a telephony configuration of the provider is stored, checked and used. */
export interface TelephonySpec {
  /** REST base URL of a configuration that names none. */
  readonly defaultApiBaseUrl: string;
  /** REST field carrying the account id (`domain_id`, `account_sid`, `auth_id`; stored in `domain_id`). */
  readonly accountField: string;
  /**
   * Canonical form of an account id, as stored and matched. Throws `ProviderConfigError`
   * (`invalid_domain` or `invalid_account_id`) when invalid.
   */
  normalizeAccount(input: string): string;
  /** Write-only secret fields; a configuration holds all of them or none. */
  readonly credentialFields: readonly string[];
  /** Whether a transfer needs a target (`unused`: the provider moves on when the stream closes). */
  readonly transferTarget: 'required' | 'unused';
  /**
   * Builds the provider's REST client for one configuration. Throws `ProviderConfigError` for an
   * unusable base URL, an empty secret or a bad timeout.
   */
  createApiClient(options: ConfiguredClientOptions): ProviderApiClient;
  /**
   * Checks a configuration's credentials with one cheap authenticated read of the provider's
   * account at the configuration's base URL (the "test" of a stored configuration).
   */
  readonly checkCredentials: CheckCredentials;
  /** The provider's signature of stream upgrade requests, when it signs them. */
  readonly upgradeSignature?: UpgradeSignatureSpec | undefined;
  /** An older view field mirroring `has_credentials` (Cloudonix `has_bearer_token`). */
  readonly credentialsFlagAlias?: string | undefined;
}

/** Everything the product knows about one provider. */
export interface ProviderDescriptor<N extends string = string> {
  /** Lower-case name, as in the stream URL and stored configurations. */
  readonly name: N;

  // Stream side (media-edge).
  readonly handshake: HandshakeOrder;
  readonly streamEnd: StreamEndSignal;
  readonly accountSource: AccountSource;
  /** Query parameters that may name the account, in order of preference. */
  readonly accountParams: readonly string[];
  /** Per-configuration settings this provider accepts. */
  readonly settings: readonly ProviderSettingSpec[];
  /** Creates a fresh adapter for one call. */
  createStreamAdapter(options?: StreamAdapterOptions): StreamAdapter;

  // Telephony-configuration side (control-plane).
  readonly telephony: TelephonySpec;

  // Call control: filled by call control, in the provider's folder.
  /** Filled by call control: dials a number and connects the answered call to a stream URL. */
  readonly placeCall?: PlaceCall | undefined;
  /** Filled by call control: the document the provider runs to connect a call to a stream. */
  readonly answerDocument?: BuildAnswerDocument | undefined;
  /** Filled by call control: reads the provider's status and stream callbacks. */
  readonly parseCallback?: ParseCallback | undefined;
  /** Filled by call control: opens a stream on a call that is already live (Vobiz, Plivo). */
  readonly attachStream?: AttachStream | undefined;
  /** Filled by call control: stops a stream {@link attachStream} opened. */
  readonly stopStream?: StopStream | undefined;
  /** How the provider signs its callbacks, when it does (Twilio): a valid signature authorizes one too. */
  readonly callbackSignature?: CallbackSignatureSpec | undefined;
}
