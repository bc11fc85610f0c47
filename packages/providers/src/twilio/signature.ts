import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The request header carrying Twilio's signature, lower-cased as Node reports it. Twilio sends it on
 * every webhook and on the WebSocket upgrade request of a Media Stream.
 */
export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

/** POST parameters of a signed request (a WebSocket upgrade, a GET, has none). */
export type TwilioSignedParams = Readonly<Record<string, string | readonly string[]>>;

/**
 * Twilio's request signature ("Webhooks security", HMAC-SHA1 with the account's auth token as the
 * key): the full URL Twilio requested, query string included, followed by each POST parameter's
 * name and value in the order of the sorted names (a repeated parameter: its distinct values,
 * sorted), as UTF-8; the digest in base64.
 */
export function twilioSignature(authToken: string, url: string, params: TwilioSignedParams = {}): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name]!;
    if (typeof value === 'string') data += name + value;
    else for (const v of [...new Set(value)].sort()) data += name + v;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/**
 * Whether `signature` (the `X-Twilio-Signature` header; absent or empty never matches) is Twilio's
 * signature of the request to `url` with `params` under `authToken`. The URL is tried as given, and
 * without / with its scheme's default port (Twilio signs the URL as configured, which a proxy may
 * have reported with or without one). Compared in constant time.
 */
export function verifyTwilioSignature(url: string, params: TwilioSignedParams, signature: string | undefined, authToken: string): boolean {
  if (signature === undefined || signature === '' || authToken === '') return false;
  const given = Buffer.from(signature, 'utf8');
  let valid = false;
  // Every candidate is computed and compared: the time taken does not depend on which one matched.
  for (const candidate of urlCandidates(url)) {
    const expected = Buffer.from(twilioSignature(authToken, candidate, params), 'utf8');
    if (given.length === expected.length && timingSafeEqual(given, expected)) valid = true;
  }
  return valid;
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'https://': '443', 'wss://': '443', 'http://': '80', 'ws://': '80' };

/** `url` as given, without its port, and with its scheme's default port (when it had none). */
function urlCandidates(url: string): string[] {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url);
  if (!m) return [url];
  const [prefix, scheme, authority] = m as unknown as [string, string, string];
  const rest = url.slice(prefix.length);
  const at = authority.lastIndexOf('@');
  const userInfo = authority.slice(0, at + 1);
  const hostPort = authority.slice(at + 1);
  // A colon starts the port only after the closing bracket of an IPv6 literal.
  const colon = hostPort.indexOf(':', hostPort.lastIndexOf(']') + 1);
  const host = colon === -1 ? hostPort : hostPort.slice(0, colon);
  const candidates = new Set([url, scheme + userInfo + host + rest]);
  const port = DEFAULT_PORTS[scheme.toLowerCase()];
  if (colon === -1 && port !== undefined) candidates.add(`${scheme}${userInfo}${host}:${port}${rest}`);
  return [...candidates];
}
