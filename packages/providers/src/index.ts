/**
 * `@vr3/providers`: per-provider stream adapters (inbound frames → normalized call events,
 * outbound audio/mark/clear → provider frames), the provider registry, and provider REST clients
 * for session validation, hangup and transfer. No sockets, no env, no singletons.
 */
export type { HandshakeOrder, StreamAdapter, ProviderDescriptor } from './adapter.ts';
export type { CallRef, ProviderApiClient } from './api-client.ts';
export { DEFAULT_PROVIDER_API_TIMEOUT_MS } from './api-client.ts';
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
} from './errors.ts';
export { getStreamProvider, STREAM_PROVIDER_DESCRIPTORS } from './registry.ts';
export { cloudonixProvider } from './cloudonix/provider.ts';
export { CloudonixStreamAdapter, CLOUDONIX_DEFAULT_FORMAT } from './cloudonix/stream-adapter.ts';
export { CLOUDONIX_API_BASE_URL, CLOUDONIX_DOMAIN_SUFFIX, normalizeCloudonixDomain } from './cloudonix/domain.ts';
export { createCloudonixApiClient, type CloudonixApiClientOptions } from './cloudonix/api-client.ts';
