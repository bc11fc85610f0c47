/**
 * The signature of a webhook request: `X-VR3-Signature: t=<unix seconds>,v1=<hex>` where the hex is
 * HMAC-SHA256 under the agent's webhook secret of `<t>.<raw body>`. Receivers recompute it over the
 * bytes they received, compare in constant time and refuse an old `t` (docs/webhooks.md).
 */
import { createHmac } from 'node:crypto';

/** The headers of a webhook request (lower case, as Node hands them to a receiver). */
export const WEBHOOK_HEADERS = {
  signature: 'x-vr3-signature',
  /** `run.started` or `run.ended`. */
  event: 'x-vr3-event',
  /** The delivery id, the same on every attempt of one event: receivers dedupe on it. */
  delivery: 'x-vr3-delivery',
  /** 1-based attempt number. */
  attempt: 'x-vr3-attempt',
} as const;

/** The `X-VR3-Signature` value of `body` sent at `timestampSec` (Unix seconds). */
export function webhookSignature(secret: string, body: string, timestampSec: number): string {
  const t = Math.floor(timestampSec);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex');
  return `t=${t},v1=${v1}`;
}
