import { UNSUPPORTED_PROVIDERS, isUnsupportedProvider } from '@vr3/protocol';
import { cloudonixProvider } from './cloudonix/provider.ts';
import type { ProviderDescriptor } from './descriptor.ts';
import { exotelProvider } from './exotel/provider.ts';
import { plivoProvider } from './plivo/provider.ts';
import type { ProviderName } from './provider-name.ts';
import { twilioProvider } from './twilio/provider.ts';
import { vobizProvider } from './vobiz/provider.ts';

/**
 * Every supported provider, in registration order: the one list of providers in the product.
 * Adding a provider is its folder plus one line here.
 */
export const PROVIDER_DESCRIPTORS = Object.freeze([cloudonixProvider, exotelProvider, vobizProvider, twilioProvider, plivoProvider] as const);

/** The names of {@link PROVIDER_DESCRIPTORS}: providers with a stream adapter and a telephony configuration. */
export const PROVIDER_NAMES: readonly ProviderName[] = Object.freeze(PROVIDER_DESCRIPTORS.map((d) => d.name));

/** Every provider name the endpoint recognises: the supported ones, then `UNSUPPORTED_PROVIDERS` (1011). */
export const KNOWN_PROVIDERS: readonly string[] = Object.freeze([...PROVIDER_NAMES, ...UNSUPPORTED_PROVIDERS]);

const BY_NAME: ReadonlyMap<string, ProviderDescriptor<ProviderName>> = new Map(PROVIDER_DESCRIPTORS.map((d) => [d.name, d]));

/**
 * The descriptor of a supported provider by its exact (lower-case) name, as given in the stream
 * URL or stored on a configuration; `undefined` for unknown or unsupported names.
 */
export function getProvider(name: ProviderName): ProviderDescriptor<ProviderName>;
export function getProvider(name: string): ProviderDescriptor<ProviderName> | undefined;
export function getProvider(name: string): ProviderDescriptor<ProviderName> | undefined {
  return BY_NAME.get(name);
}

/** True when `name` is a supported provider. */
export function isProviderName(name: string): name is ProviderName {
  return BY_NAME.has(name);
}

/** True when the endpoint recognises `name`: supported, or one of `UNSUPPORTED_PROVIDERS`. */
export function isKnownProvider(name: string): boolean {
  return BY_NAME.has(name) || isUnsupportedProvider(name);
}

/** Lower-case headers carrying a provider's signature of a stream's upgrade request. */
export const UPGRADE_SIGNATURE_HEADERS: readonly string[] = Object.freeze(
  PROVIDER_DESCRIPTORS.flatMap((d) => (d.telephony.upgradeSignature === undefined ? [] : [d.telephony.upgradeSignature.header])),
);
