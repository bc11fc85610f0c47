/** Every provider name the Agent Stream endpoint recognises. */
export const KNOWN_PROVIDERS = ['cloudonix', 'exotel', 'vobiz', 'twilio', 'plivo', 'telnyx', 'vonage', 'ari'] as const;

/** A provider name the endpoint recognises (supported or not). */
export type ProviderName = (typeof KNOWN_PROVIDERS)[number];

/**
 * Providers with a working Agent Stream implementation. Known but unsupported ones (`telnyx`,
 * `vonage`, `ari`) close with 1011.
 */
export const STREAM_PROVIDERS = ['cloudonix', 'exotel', 'vobiz', 'twilio', 'plivo'] as const satisfies readonly ProviderName[];

/** A provider with a working Agent Stream implementation. */
export type StreamProviderName = (typeof STREAM_PROVIDERS)[number];

/** Providers a telephony configuration can be stored for. */
export const CONFIGURABLE_PROVIDERS = ['cloudonix', 'exotel', 'vobiz', 'twilio', 'plivo'] as const satisfies readonly ProviderName[];

/** True when `name` is one of {@link KNOWN_PROVIDERS}. */
export function isKnownProvider(name: string): name is ProviderName {
  return (KNOWN_PROVIDERS as readonly string[]).includes(name);
}

/** True when `name` has a working Agent Stream implementation. */
export function isStreamProvider(name: string): name is StreamProviderName {
  return (STREAM_PROVIDERS as readonly string[]).includes(name);
}
