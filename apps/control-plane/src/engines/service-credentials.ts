import { z } from 'zod';
import type { ControlPlaneContext } from '../context.ts';
import { openSecret, sealSecret } from '../crypto/secrets.ts';
import { findServiceCredentialRows } from '../db/service-credentials.ts';

/**
 * Vendors a service credential may be for: `openai` (also any OpenAI-compatible server through
 * `base_url`: vLLM, llama.cpp, Ollama, Groq…), `deepgram`, `elevenlabs`, `cartesia`. The one list;
 * an engine configuration naming a credential checks the credential's vendor against it.
 */
export const SERVICE_VENDORS = ['openai', 'deepgram', 'elevenlabs', 'cartesia'] as const;

/** One of {@link SERVICE_VENDORS}. */
export type ServiceVendor = (typeof SERVICE_VENDORS)[number];

/** {@link SERVICE_VENDORS} as a zod schema. */
export const ServiceVendorSchema = z.enum(SERVICE_VENDORS);

/** True when `value` is one of {@link SERVICE_VENDORS}. */
export function isServiceVendor(value: unknown): value is ServiceVendor {
  return ServiceVendorSchema.safeParse(value).success;
}

const aad = (credentialId: string): string => `service_credential:${credentialId}`;

/** Seals the API key of credential `credentialId` (bound as AAD: the value is useless on another row). */
export function sealServiceApiKey(key: Buffer, credentialId: string, apiKey: string): string {
  return sealSecret(key, apiKey, aad(credentialId));
}

/** Opens what {@link sealServiceApiKey} sealed; throws `SecretError(secret_unreadable)`. */
export function openServiceApiKey(key: Buffer, credentialId: string, sealed: string): string {
  return openSecret(key, sealed, aad(credentialId));
}

/** A service credential opened for an engine, in memory only: never log it or send it to a client. */
export interface ResolvedServiceCredential {
  id: string;
  vendor: ServiceVendor;
  apiKey: string;
  /** `null`: the vendor's default endpoint. Checked at save (https, public host unless the insecure switch is on). */
  baseUrl: string | null;
}

/** What the resolvers need of the control-plane. */
export type ServiceCredentialContext = Pick<ControlPlaneContext, 'pool' | 'secretKey'>;

/**
 * The credentials of `ids` in organization `organizationId`, their keys decrypted, keyed by id, in
 * one statement (admission of a call whose engine names several). Ids of another organization, of
 * a deleted credential or of none are absent from the map, as is a credential whose vendor is no
 * longer known: the caller refuses the engine. Throws `SecretError(secret_unreadable)` when a key
 * cannot be opened (altered, or sealed under another `VR3_SECRET_KEY`).
 */
export async function findServiceCredentials(
  ctx: ServiceCredentialContext,
  organizationId: string,
  ids: readonly string[],
): Promise<Map<string, ResolvedServiceCredential>> {
  const out = new Map<string, ResolvedServiceCredential>();
  for (const row of await findServiceCredentialRows(ctx.pool, organizationId, [...new Set(ids)])) {
    if (!isServiceVendor(row.vendor)) continue;
    out.set(row.id, { id: row.id, vendor: row.vendor, apiKey: openServiceApiKey(ctx.secretKey, row.id, row.apiKeyCiphertext), baseUrl: row.baseUrl });
  }
  return out;
}

/** One credential of {@link findServiceCredentials}; `undefined` when it is not usable by `organizationId`. */
export async function findServiceCredential(ctx: ServiceCredentialContext, organizationId: string, id: string): Promise<ResolvedServiceCredential | undefined> {
  return (await findServiceCredentials(ctx, organizationId, [id])).get(id);
}
