import type { IncomingMessage } from 'node:http';
import { publicBasesOf } from '@vr3/env';
import type { StreamUpgrade } from '@vr3/protocol';
import { UPGRADE_SIGNATURE_HEADERS } from '@vr3/providers';

/** Request headers that carry a provider's signature of the upgrade request, forwarded to the control-plane. */
export const SIGNATURE_HEADERS: readonly string[] = UPGRADE_SIGNATURE_HEADERS;

/** Longest URL forwarded (`StreamUpgradeSchema`); a longer one is cut, and then never verifies. */
const MAX_URL_LENGTH = 16_384;
/** Longest signature header value forwarded; a longer one is cut (and then never verifies). */
const MAX_HEADER_LENGTH = 1024;

/**
 * What the control-plane needs of an upgrade request to check a provider's signature: the URL the
 * provider requested (the edge's public base URL + the request's path and query as received, when
 * the base is known, in its stream form: a provider signs the `wss://` URL it opened even when the
 * base is given as `https://`) and the signature headers present. Undefined when the request has neither.
 * The control-plane holds the credentials and decides which provider checks what.
 */
export function streamUpgradeOf(req: IncomingMessage, publicUrl: string | null): StreamUpgrade | undefined {
  const signatureHeaders: Record<string, string> = {};
  let found = false;
  for (const name of SIGNATURE_HEADERS) {
    const value = req.headers[name];
    const text = Array.isArray(value) ? value[0] : value;
    if (text === undefined) continue;
    signatureHeaders[name] = text.slice(0, MAX_HEADER_LENGTH);
    found = true;
  }
  if (publicUrl === null || req.url === undefined) return found ? { signature_headers: signatureHeaders } : undefined;
  return { url: `${publicBasesOf(publicUrl).stream}${req.url}`.slice(0, MAX_URL_LENGTH), signature_headers: signatureHeaders };
}
