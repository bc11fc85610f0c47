import { openSecret, sealSecret } from '../crypto/secrets.ts';

/**
 * Provider credentials as stored (sealed) on a telephony configuration, keyed by the provider's
 * credential fields (Cloudonix `bearer_token`; Exotel `api_key` + `api_token`; Twilio, Vobiz and
 * Plivo `auth_token`).
 */
export type StoredCredentials = Readonly<Record<string, string>>;

/** Seals credentials for configuration `configurationId` (bound as AAD: the value is useless on another row). */
export function sealCredentials(key: Buffer, configurationId: string, credentials: StoredCredentials): string {
  return sealSecret(key, JSON.stringify(credentials), `telephony_configuration:${configurationId}`);
}

/** Opens credentials sealed by {@link sealCredentials}; throws `SecretError(secret_unreadable)`. */
export function openCredentials(key: Buffer, configurationId: string, sealed: string): StoredCredentials {
  return JSON.parse(openSecret(key, sealed, `telephony_configuration:${configurationId}`)) as StoredCredentials;
}
