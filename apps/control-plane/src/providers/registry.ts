import { CONFIGURABLE_PROVIDERS } from '@vr3/protocol';
import { CLOUDONIX_API_BASE_URL, createCloudonixApiClient, normalizeCloudonixDomain } from '@vr3/providers';
import type { CallRef, ProviderApiClient } from '@vr3/providers';

/** A provider a telephony configuration can be stored for. */
export type ConfigurableProviderName = (typeof CONFIGURABLE_PROVIDERS)[number];

/** True when `name` is one of `CONFIGURABLE_PROVIDERS`. */
export function isConfigurableProvider(name: string): name is ConfigurableProviderName {
  return (CONFIGURABLE_PROVIDERS as readonly string[]).includes(name);
}

/** What the control-plane needs to build a provider REST client for one telephony configuration. */
export interface ProviderClientOptions {
  /** The configuration's API base URL. */
  baseUrl: string;
  /** Decrypted credential; never logged. */
  bearerToken: string;
  /** Per-request timeout in milliseconds. */
  timeoutMs: number;
}

/** Builds the REST client of `provider` for one configuration. Tests override it to point at fakes. */
export type ProviderClientFactory = (provider: ConfigurableProviderName, options: ProviderClientOptions) => ProviderApiClient;

/** How each configurable provider identifies the stored configuration and the call. */
export interface ProviderRules {
  /** Default REST base URL of a new configuration. */
  defaultApiBaseUrl: string;
  /** Query parameter of the stream URL naming the account (Cloudonix: `Domain`). */
  identifierParam: string;
  /** Canonical form of an account identifier; throws `ProviderConfigError(invalid_domain)` when invalid. */
  normalizeIdentifier(input: string): string;
  /** The provider's reference to a live call: account from the configuration, call from the `start` ids. */
  callRef(identifier: string, sessionId: string): CallRef;
}

/** Rules per configurable provider. */
export const PROVIDER_RULES: Readonly<Record<ConfigurableProviderName, ProviderRules>> = {
  cloudonix: {
    defaultApiBaseUrl: CLOUDONIX_API_BASE_URL,
    identifierParam: 'Domain',
    normalizeIdentifier: normalizeCloudonixDomain,
    callRef: (domain, session) => ({ accountId: domain, callId: session }),
  },
};

/** The production clients: Cloudonix over `createCloudonixApiClient`. */
export const defaultProviderClients: ProviderClientFactory = (provider, options) => {
  switch (provider) {
    case 'cloudonix':
      return createCloudonixApiClient(options);
  }
};
