import type { PROVIDER_DESCRIPTORS } from './registry.ts';

/** The name of a registered provider (`cloudonix`, `exotel`, …): the union of the registry's names. */
export type ProviderName = (typeof PROVIDER_DESCRIPTORS)[number]['name'];
