import { openSecret, sealSecret } from '../crypto/secrets.ts';

/** Additional authenticated data of an agent's webhook secret: a sealed value copied to another agent fails. */
const aad = (agentId: string): string => `agent-webhook:${agentId}`;

/** Seals an agent's webhook signing secret for `agents.webhook_secret_ciphertext`. */
export function sealWebhookSecret(key: Buffer, agentId: string, secret: string): string {
  return sealSecret(key, secret, aad(agentId));
}

/** Opens what {@link sealWebhookSecret} sealed; throws `SecretError(secret_unreadable)`. Never log the result. */
export function openWebhookSecret(key: Buffer, agentId: string, sealed: string): string {
  return openSecret(key, sealed, aad(agentId));
}
