import { isProviderName, type CallRef, type ProviderApiClient } from '@vr3/providers';
import type { ControlPlaneContext } from '../context.ts';
import type { ConfigurationRow } from '../db/rows.ts';
import { ProviderActionError, ProviderActionErrorCode } from '../errors.ts';
import { openCredentials, type StoredCredentials } from './credentials.ts';
import { callRefOf, type ProviderClientOptions } from './registry.ts';

/** A provider REST client bound to one call. */
export interface RunProviderTarget {
  client: ProviderApiClient;
  ref: CallRef;
}

/** The provider session id recorded on a run by `RunStart` (`session_id`, else the call SID). */
export function sessionIdOf(gatheredContext: unknown): string | undefined {
  const gc = (gatheredContext ?? {}) as Record<string, unknown>;
  const id = gc['session_id'] ?? gc['call_sid'];
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * Builds the REST client for the call of a run from its telephony configuration: decrypts the
 * credentials and applies the provider's call-reference rules. Throws `ProviderActionError` (never
 * retryable) when that is impossible.
 */
export function providerTargetFor(
  ctx: Pick<ControlPlaneContext, 'secretKey' | 'providerClients' | 'resolveProviderHost' | 'config'>,
  configuration: ConfigurationRow | null,
  sessionId: string | undefined,
): RunProviderTarget {
  if (!configuration || !configuration.credentialsCiphertext) {
    throw new ProviderActionError(ProviderActionErrorCode.NoConfiguration, 'the run has no telephony configuration with credentials');
  }
  if (!isProviderName(configuration.provider)) {
    throw new ProviderActionError(ProviderActionErrorCode.UnsupportedProvider, 'provider has no REST client');
  }
  if (!sessionId) throw new ProviderActionError(ProviderActionErrorCode.NoSession, 'no provider session id recorded for the run');
  const client = ctx.providerClients(configuration.provider, configuredClientOptions(ctx, configuration));
  return { client, ref: callRefOf(configuration.domainId, sessionId) };
}

/**
 * What a REST client of `configuration` is built from: its base URL and account, its credentials
 * decrypted (in memory only), the product's provider timeout and address policy. Throws
 * `ProviderActionError` (never retryable) when it has no credentials or they cannot be decrypted.
 */
export function configuredClientOptions(
  ctx: Pick<ControlPlaneContext, 'secretKey' | 'resolveProviderHost' | 'config'>,
  configuration: ConfigurationRow,
): ProviderClientOptions {
  if (!configuration.credentialsCiphertext) {
    throw new ProviderActionError(ProviderActionErrorCode.NoConfiguration, 'the telephony configuration has no credentials');
  }
  let credentials: StoredCredentials;
  try {
    credentials = openCredentials(ctx.secretKey, configuration.id, configuration.credentialsCiphertext);
  } catch (err) {
    throw new ProviderActionError(ProviderActionErrorCode.CredentialsUnreadable, 'stored credentials cannot be decrypted', { cause: err });
  }
  return {
    baseUrl: configuration.apiBaseUrl,
    accountId: configuration.domainId,
    credentials,
    timeoutMs: ctx.config.providerTimeoutMs,
    addressPolicy: ctx.config.allowInsecureProviderUrls ? 'any' : 'public',
    resolveHost: ctx.resolveProviderHost,
  };
}
