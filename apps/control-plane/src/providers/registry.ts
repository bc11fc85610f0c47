/**
 * The control-plane's view of the providers: every per-provider rule (account field, credential
 * fields, default base URL, REST client) is the provider's descriptor in `@vr3/providers`; this
 * file only adds how the control-plane builds a client for one stored configuration.
 */
import { getProvider } from '@vr3/providers';
import type { CallRef, ConfiguredClientOptions, ProviderApiClient, ProviderName, RemoteAddressPolicy, ResolveHost } from '@vr3/providers';

/** What the control-plane needs to build a provider REST client for one telephony configuration. */
export interface ProviderClientOptions extends ConfiguredClientOptions {
  /** Per-request timeout in milliseconds. */
  timeoutMs: number;
  /**
   * `'public'`: https only, and the client refuses to connect to a loopback, private, link-local,
   * CGNAT, multicast, reserved or metadata address (checked on the address it connects to).
   * `'any'` when `allowInsecureProviderUrls` is set.
   */
  addressPolicy: RemoteAddressPolicy;
  /** Host name resolver used when connecting; default `dns.lookup`. */
  resolveHost?: ResolveHost | undefined;
}

/** Builds the REST client of `provider` for one configuration. Tests override it to point at fakes. */
export type ProviderClientFactory = (provider: ProviderName, options: ProviderClientOptions) => ProviderApiClient;

/** The provider's reference to a live call: the configuration's account and the session/call id from `start`. */
export function callRefOf(accountId: string, sessionId: string): CallRef {
  return { accountId, callId: sessionId };
}

/** The production clients: each provider's own factory. */
export const defaultProviderClients: ProviderClientFactory = (provider, options) => getProvider(provider).telephony.createApiClient(options);
