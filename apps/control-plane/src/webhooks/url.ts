import type { ResolveHost } from '@vr3/providers';
import { checkBaseUrl, checkBaseUrlHost } from '../http/base-url.ts';

/** Where a webhook may point, from the control-plane's settings. */
export interface WebhookUrlRules {
  /** `allowInsecureProviderUrls`: http, and hosts that are or resolve to non-public addresses. */
  allowInsecure: boolean;
  /** Default `dns.lookup`. */
  resolveHost?: ResolveHost | undefined;
  /** Deadline of the host's resolution, in milliseconds. */
  timeoutMs: number;
}

/**
 * Checks an agent's `webhook_url` with the rules of every user-chosen URL the product sends to
 * (`http/base-url.ts`): https only, no credentials, query or fragment, and a host that is and
 * resolves to public addresses only, unless `allowInsecure`. 422 `*_webhook_url` otherwise.
 * Returns the URL normalized, its path kept as given (trailing slash included).
 */
export async function checkWebhookUrl(value: string, rules: WebhookUrlRules): Promise<string> {
  checkBaseUrl('webhook_url', value, rules.allowInsecure);
  const url = new URL(value.trim()).href;
  if (!rules.allowInsecure) await checkBaseUrlHost('webhook_url', url, { resolveHost: rules.resolveHost, timeoutMs: rules.timeoutMs });
  return url;
}
