/**
 * An agent's webhook fields in its create/update bodies (`http/agents.ts`): their schemas, and the
 * columns a request writes. The URL is checked with the rules of user-chosen URLs (`url.ts`); the
 * secret is sealed to the agent's id; a URL needs a secret, given with it or stored before.
 */
import { z } from 'zod';
import type { AgentWebhookBuilder } from '../db/agents.ts';
import { ApiError } from '../errors.ts';
import { sealWebhookSecret } from './secret.ts';
import { checkWebhookUrl, type WebhookUrlRules } from './url.ts';

/** Length bounds of a webhook secret. */
export const WEBHOOK_SECRET_LENGTH = { min: 16, max: 256 } as const;

/** The body fields: `webhook_url` (`null` removes the webhook and its secret) and the write-only `webhook_secret`. */
export const WEBHOOK_FIELDS = {
  webhook_url: z.string().trim().min(1).max(2048).nullable().optional(),
  webhook_secret: z.string().min(WEBHOOK_SECRET_LENGTH.min).max(WEBHOOK_SECRET_LENGTH.max).optional(),
};

/** What a body carries of the webhook. */
export interface WebhookFieldsInput {
  webhook_url?: string | null | undefined;
  webhook_secret?: string | undefined;
}

/** A refinement of bodies with {@link WEBHOOK_FIELDS}: a secret cannot come with the webhook's removal. */
export const NO_SECRET_WITH_REMOVAL: [check: (b: WebhookFieldsInput) => boolean, error: { path: string[]; message: string }] = [
  (b) => !(b.webhook_url === null && b.webhook_secret !== undefined),
  { path: ['webhook_secret'], message: 'cannot be set while webhook_url is removed' },
];

/** True when the body sets anything of the webhook. */
export const setsWebhook = (b: WebhookFieldsInput): boolean => b.webhook_url !== undefined || b.webhook_secret !== undefined;

/**
 * The webhook columns `body` writes (undefined: it sets none), its URL checked first (422
 * `*_webhook_url`). The builder throws 422 `webhook_secret_required` for a URL without a secret.
 */
export async function agentWebhookUpdate(body: WebhookFieldsInput, secretKey: Buffer, rules: WebhookUrlRules): Promise<AgentWebhookBuilder | undefined> {
  if (!setsWebhook(body)) return undefined;
  const secret = body.webhook_secret;
  const url = body.webhook_url == null ? body.webhook_url : await checkWebhookUrl(body.webhook_url, rules);
  return (current, agentId) => {
    if (url === null) return { webhookUrl: null, webhookSecretCiphertext: null };
    const webhookUrl = url ?? current?.webhookUrl ?? null;
    const webhookSecretCiphertext = secret === undefined ? (current?.webhookSecretCiphertext ?? null) : sealWebhookSecret(secretKey, agentId, secret);
    if (webhookUrl !== null && webhookSecretCiphertext === null) {
      throw new ApiError('webhook_secret_required', `webhook_url needs a webhook_secret (${WEBHOOK_SECRET_LENGTH.min} to ${WEBHOOK_SECRET_LENGTH.max} characters)`);
    }
    return { webhookUrl, webhookSecretCiphertext };
  };
}
