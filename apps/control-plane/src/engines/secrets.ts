import type { EngineSecret } from '@vr3/agent';
import { z } from 'zod';
import { openSecret, sealSecret } from '../crypto/secrets.ts';
import { SecretError, SecretErrorCode } from '../errors.ts';

/** What a sealed value decrypts to: the `EngineSecret[]` of `splitSecrets`. */
const SealedSecrets = z.array(z.object({ path: z.array(z.string()).min(1), value: z.string() }));

const aad = (versionId: string): string => `agent_version:${versionId}`;

/**
 * Seals the engine secrets of agent version `versionId` (bound as AAD: the value is useless on
 * another row, so a new draft re-seals under its own id). `null` when there are none.
 */
export function sealEngineSecrets(key: Buffer, versionId: string, secrets: readonly EngineSecret[]): string | null {
  if (secrets.length === 0) return null;
  return sealSecret(key, JSON.stringify(secrets.map((s) => ({ path: [...s.path], value: s.value }))), aad(versionId));
}

/**
 * Opens what {@link sealEngineSecrets} sealed for `versionId`; `[]` for `null`. Throws
 * `SecretError(secret_unreadable)` when the value was altered, belongs to another row or the key
 * differs. Messages never include the values.
 */
export function openEngineSecrets(key: Buffer, versionId: string, sealed: string | null): EngineSecret[] {
  if (sealed === null) return [];
  const plaintext = openSecret(key, sealed, aad(versionId));
  let parsed: unknown;
  try {
    parsed = JSON.parse(plaintext);
  } catch {
    // No cause: a JSON syntax error quotes the text it failed on.
    throw new SecretError(SecretErrorCode.Unreadable, 'sealed engine secrets are not JSON');
  }
  const result = SealedSecrets.safeParse(parsed);
  if (!result.success) throw new SecretError(SecretErrorCode.Unreadable, 'sealed engine secrets have an unknown shape');
  return result.data;
}
