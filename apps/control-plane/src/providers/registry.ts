import { CONFIGURABLE_PROVIDERS } from '@vr3/protocol';
import {
  CLOUDONIX_API_BASE_URL,
  EXOTEL_API_BASE_URL,
  PLIVO_API_BASE_URL,
  TWILIO_API_BASE_URL,
  VOBIZ_API_BASE_URL,
  cloudonixProvider,
  createCloudonixApiClient,
  createExotelApiClient,
  createPlivoApiClient,
  createTwilioApiClient,
  createVobizApiClient,
  exotelProvider,
  normalizeAccountId,
  normalizeCloudonixDomain,
  plivoProvider,
  twilioProvider,
  vobizProvider,
} from '@vr3/providers';
import type { CallRef, ProviderApiClient, ProviderDescriptor, RemoteAddressPolicy, ResolveHost } from '@vr3/providers';

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
  /** The configuration's account id (Cloudonix domain, account SID, auth id). */
  accountId: string;
  /** Decrypted secrets, keyed by the provider's credential fields; never logged. */
  credentials: Readonly<Record<string, string>>;
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
export type ProviderClientFactory = (provider: ConfigurableProviderName, options: ProviderClientOptions) => ProviderApiClient;

/** How each configurable provider is stored, matched and called. */
export interface ProviderRules {
  readonly descriptor: ProviderDescriptor;
  /** Default REST base URL of a new configuration. */
  readonly defaultApiBaseUrl: string;
  /** REST field carrying the account id (stored in `domain_id`). */
  readonly accountField: 'domain_id' | 'account_sid' | 'auth_id';
  /** Write-only secret fields, all required for a configuration to have credentials. */
  readonly credentialFields: readonly string[];
  /** Canonical form of an account id; throws `ProviderConfigError` when invalid. */
  normalizeAccount(input: string): string;
  /** Whether a transfer needs a target (Exotel hands the call to the next applet instead). */
  readonly transferTarget: 'required' | 'unused';
}

/** Rules per configurable provider. */
export const PROVIDER_RULES: Readonly<Record<ConfigurableProviderName, ProviderRules>> = {
  cloudonix: {
    descriptor: cloudonixProvider,
    defaultApiBaseUrl: CLOUDONIX_API_BASE_URL,
    accountField: 'domain_id',
    credentialFields: ['bearer_token'],
    normalizeAccount: normalizeCloudonixDomain,
    transferTarget: 'required',
  },
  exotel: {
    descriptor: exotelProvider,
    defaultApiBaseUrl: EXOTEL_API_BASE_URL,
    accountField: 'account_sid',
    credentialFields: ['api_key', 'api_token'],
    normalizeAccount: normalizeAccountId,
    transferTarget: 'unused',
  },
  vobiz: {
    descriptor: vobizProvider,
    defaultApiBaseUrl: VOBIZ_API_BASE_URL,
    accountField: 'auth_id',
    credentialFields: ['auth_token'],
    normalizeAccount: normalizeAccountId,
    transferTarget: 'required',
  },
  twilio: {
    descriptor: twilioProvider,
    defaultApiBaseUrl: TWILIO_API_BASE_URL,
    accountField: 'account_sid',
    credentialFields: ['auth_token'],
    normalizeAccount: normalizeAccountId,
    transferTarget: 'required',
  },
  plivo: {
    descriptor: plivoProvider,
    defaultApiBaseUrl: PLIVO_API_BASE_URL,
    accountField: 'auth_id',
    credentialFields: ['auth_token'],
    normalizeAccount: normalizeAccountId,
    transferTarget: 'required',
  },
};

/** The provider's reference to a live call: the configuration's account and the session/call id from `start`. */
export function callRefOf(accountId: string, sessionId: string): CallRef {
  return { accountId, callId: sessionId };
}

/** The production clients, one per provider. */
export const defaultProviderClients: ProviderClientFactory = (provider, o) => {
  const base = { baseUrl: o.baseUrl, timeoutMs: o.timeoutMs, addressPolicy: o.addressPolicy, resolveHost: o.resolveHost };
  const secret = (field: string): string => o.credentials[field] ?? '';
  switch (provider) {
    case 'cloudonix':
      return createCloudonixApiClient({ ...base, bearerToken: secret('bearer_token') });
    case 'exotel':
      return createExotelApiClient({ ...base, apiKey: secret('api_key'), apiToken: secret('api_token') });
    case 'twilio':
      return createTwilioApiClient({ ...base, accountSid: o.accountId, authToken: secret('auth_token') });
    case 'vobiz':
      return createVobizApiClient({ ...base, authId: o.accountId, authToken: secret('auth_token') });
    case 'plivo':
      return createPlivoApiClient({ ...base, authId: o.accountId, authToken: secret('auth_token') });
  }
};
