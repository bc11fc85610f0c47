import type { ProviderDescriptor } from './adapter.ts';
import { cloudonixProvider } from './cloudonix/provider.ts';
import { exotelProvider } from './exotel/provider.ts';
import { plivoProvider } from './plivo/provider.ts';
import { twilioProvider } from './twilio/provider.ts';
import { vobizProvider } from './vobiz/provider.ts';

/** Every provider with a stream adapter, in registration order. */
export const STREAM_PROVIDER_DESCRIPTORS: readonly ProviderDescriptor[] = Object.freeze([
  cloudonixProvider,
  exotelProvider,
  vobizProvider,
  twilioProvider,
  plivoProvider,
]);

const BY_NAME: ReadonlyMap<string, ProviderDescriptor> = new Map(STREAM_PROVIDER_DESCRIPTORS.map((d) => [d.name, d]));

/**
 * The descriptor of a provider with a stream adapter, by its exact (lower-case) name as given in
 * the `provider` query parameter or path segment; `undefined` for unknown or unsupported providers.
 */
export function getStreamProvider(name: string): ProviderDescriptor | undefined {
  return BY_NAME.get(name);
}
