/**
 * Rows the per-call paths read with plain SQL (`sql.ts`), with the camelCase field names of the
 * Prisma models they come from: a Prisma model object has every field and fits them too.
 */

/** A telephony configuration as admission, `RunStart` and the provider actions read it. */
export interface ConfigurationRow {
  id: string;
  /** A registered provider's name (`PROVIDER_NAMES` of `@vr3/providers`). */
  provider: string;
  /** The provider account, normalized. */
  domainId: string;
  apiBaseUrl: string;
  /** AES-256-GCM sealed JSON of the credentials; null when none are stored. */
  credentialsCiphertext: string | null;
  /** The stream settings, parsed JSON (an object of strings when valid). */
  settings: unknown;
}
