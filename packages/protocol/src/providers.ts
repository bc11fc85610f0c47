/**
 * Provider names the Agent Stream endpoint recognises without supporting them: a stream for one is
 * refused `unsupported_provider` (1011) instead of `unknown_provider` (4404). The supported
 * providers are the descriptors registered in `@vr3/providers` (`PROVIDER_NAMES`).
 */
export const UNSUPPORTED_PROVIDERS = ['telnyx', 'vonage', 'ari'] as const;

/** A recognised provider without an implementation. */
export type UnsupportedProviderName = (typeof UNSUPPORTED_PROVIDERS)[number];

/** True when `name` is one of {@link UNSUPPORTED_PROVIDERS}. */
export function isUnsupportedProvider(name: string): name is UnsupportedProviderName {
  return (UNSUPPORTED_PROVIDERS as readonly string[]).includes(name);
}
