/**
 * `@vr3/providers`: per-provider stream adapters (inbound frames → normalized call events,
 * outbound audio/mark/clear → provider frames), the provider registry, and provider REST clients
 * for session validation, hangup and transfer. No servers, no env, no singletons: the REST clients
 * make outbound HTTP requests only, and read every answer with a byte cap and a deadline.
 */
export type {
  AccountSource,
  ClearAck,
  HandshakeOrder,
  OutboundFraming,
  ProviderSettingSpec,
  ProviderSettings,
  StreamAdapter,
  StreamAdapterOptions,
  StreamEndSignal,
} from './adapter.ts';
export type { ConfiguredClientOptions, ProviderDescriptor, TelephonySpec, UpgradeSignatureSpec } from './descriptor.ts';
export type {
  AnswerDocument,
  AnswerDocumentRequest,
  AttachedStream,
  AttachStream,
  AttachStreamRequest,
  BuildAnswerDocument,
  CallbackSignatureSpec,
  ParseCallback,
  PlaceCall,
  PlaceCallRequest,
  PlacedCall,
  ProviderCallback,
  ProviderCallbackRequest,
  StopStream,
} from './call-control.ts';
export type { ProviderName } from './provider-name.ts';
export type { CallRef, ProviderApiClient } from './api-client.ts';
export { DEFAULT_PROVIDER_API_TIMEOUT_MS } from './api-client.ts';
export {
  CredentialCheckCode,
  runCredentialProbe,
  type CheckCredentials,
  type CredentialCheckResult,
  type CredentialProbe,
  type CredentialProbeOptions,
} from './credential-check.ts';
export {
  ProviderFrameError,
  ProviderFrameErrorCode,
  ProviderConfigError,
  ProviderConfigErrorCode,
  ProviderApiError,
  ProviderApiErrorCode,
  PROVIDER_API_RETRYABLE,
  type ProviderApiOperation,
  type ProviderApiErrorOptions,
  RemoteAddressError,
  RemoteAddressErrorCode,
  RemoteBodyError,
  RemoteBodyErrorCode,
} from './errors.ts';
export { AddressRule, ADDRESS_RULE_DESCRIPTIONS, addressRuleOf, hostNameRuleOf, ipLiteralOf } from './address-rules.ts';
export {
  addressNotAllowed,
  checkRemoteHost,
  guardedLookup,
  systemResolveHost,
  type CheckRemoteHostOptions,
  type RemoteAddressPolicy,
  type ResolveHost,
  type ResolvedAddress,
  type SocketLookup,
} from './remote-address.ts';
export { readRemoteBody, type ReadRemoteBodyOptions, type RemoteBodySource } from './remote-body.ts';
export { MAX_PROVIDER_BODY_BYTES } from './http-request.ts';
export { transportFor, type HttpTransport, type TransportAnswer, type TransportOptions, type TransportRequest } from './http-transport.ts';
export {
  getProvider,
  isKnownProvider,
  isProviderName,
  KNOWN_PROVIDERS,
  PROVIDER_DESCRIPTORS,
  PROVIDER_NAMES,
  UPGRADE_SIGNATURE_HEADERS,
} from './registry.ts';
export { resolveProviderSettings } from './settings.ts';
export { normalizeAccountId } from './account-id.ts';
export type { RestClientOptions } from './rest-client.ts';
export { cloudonixProvider } from './cloudonix/provider.ts';
export { cloudonixTelephony } from './cloudonix/telephony.ts';
export { CloudonixStreamAdapter, CLOUDONIX_DEFAULT_FORMAT } from './cloudonix/stream-adapter.ts';
export { CLOUDONIX_API_BASE_URL, CLOUDONIX_DOMAIN_SUFFIX, normalizeCloudonixDomain } from './cloudonix/domain.ts';
export { createCloudonixApiClient, type CloudonixApiClientOptions } from './cloudonix/api-client.ts';
export { exotelProvider, EXOTEL_ID_KEY_SETTING, EXOTEL_MIN_CHUNK_BYTES, EXOTEL_CHUNK_MULTIPLE_BYTES, EXOTEL_MAX_CHUNK_BYTES } from './exotel/provider.ts';
export { exotelTelephony } from './exotel/telephony.ts';
export { createExotelApiClient, EXOTEL_API_BASE_URL, type ExotelApiClientOptions } from './exotel/api-client.ts';
export { twilioProvider } from './twilio/provider.ts';
export { twilioTelephony } from './twilio/telephony.ts';
export { createTwilioApiClient, TWILIO_API_BASE_URL, type TwilioApiClientOptions } from './twilio/api-client.ts';
export { TWILIO_SIGNATURE_HEADER, twilioSignature, verifyTwilioSignature, type TwilioSignedParams } from './twilio/signature.ts';
export { vobizProvider } from './vobiz/provider.ts';
export { vobizTelephony } from './vobiz/telephony.ts';
export { createVobizApiClient, VOBIZ_API_BASE_URL, type VobizApiClientOptions } from './vobiz/api-client.ts';
export { plivoProvider } from './plivo/provider.ts';
export { plivoTelephony } from './plivo/telephony.ts';
export { createPlivoApiClient, PLIVO_API_BASE_URL, type PlivoApiClientOptions } from './plivo/api-client.ts';
export { TwilioStyleStreamAdapter } from './twilio-style/stream-adapter.ts';
export { PlivoStyleStreamAdapter, L16_INBOUND_BYTE_ORDER, L16_OUTBOUND_BYTE_ORDER } from './plivo-style/stream-adapter.ts';
export type { BotEvent, BotStreamCall, BotStreamIds } from './bot-wire.ts';
export {
  TwilioStyleBotWire,
  twilioBotDialect,
  cloudonixBotDialect,
  exotelBotDialect,
  TWILIO_STYLE_BOT_DIALECTS,
  type TwilioStyleBotDialect,
  type TwilioStyleBotProvider,
} from './twilio-style/bot-wire.ts';
export {
  PlivoStyleBotWire,
  vobizBotDialect,
  plivoBotDialect,
  PLIVO_STYLE_BOT_DIALECTS,
  formatExtraHeaders,
  plivoStyleAuthId,
  type PlivoStyleBotDialect,
  type PlivoStyleBotProvider,
  type PlivoStyleBotWireOptions,
  type PlivoStyleStartForm,
} from './plivo-style/bot-wire.ts';
export type { AnswerSampleRate, AnswerUrlRequest, AnswerUrlSpec } from './answer-document.ts';
export { cloudonixAnswerUrl } from './cloudonix/answer-document.ts';
export { exotelAnswerUrl } from './exotel/answer-document.ts';
export { twilioAnswerUrl } from './twilio/answer-document.ts';
export { vobizAnswerUrl } from './vobiz/answer-document.ts';
export { plivoAnswerUrl } from './plivo/answer-document.ts';
