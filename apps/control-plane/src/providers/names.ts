import { CONFIGURABLE_PROVIDERS } from '@vr3/protocol';

/** A provider a telephony configuration can be stored for. */
export type ConfigurableProviderName = (typeof CONFIGURABLE_PROVIDERS)[number];

/** True when `name` is one of `CONFIGURABLE_PROVIDERS`. */
export function isConfigurableProvider(name: string): name is ConfigurableProviderName {
  return (CONFIGURABLE_PROVIDERS as readonly string[]).includes(name);
}
