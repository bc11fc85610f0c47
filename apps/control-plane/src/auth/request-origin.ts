import type { IncomingHttpHeaders } from 'node:http';
import { isPublicBaseUrl, publicBasesOf } from '@vr3/env';

/** What is known of where a request came in. */
export interface RequestOrigin {
  headers: IncomingHttpHeaders;
  /** The request reached this server over TLS (Express `req.secure`). */
  secure: boolean;
}

/** The http(s) origin of the public base URL (`wss://voice.example.com` → `https://voice.example.com`), or null. */
export function publicOrigin(publicUrl: string | null): string | null {
  return publicUrl && isPublicBaseUrl(publicUrl) ? publicBasesOf(publicUrl).http : null;
}

/**
 * The product is reached over TLS: this server terminates it, or the public base URL
 * (VR3_PUBLIC_URL, or the embedded product's own) is `https:`/`wss:`. Session cookies are then `Secure`.
 */
export function servedOverTls(req: RequestOrigin, publicUrl: string | null): boolean {
  return req.secure || (publicOrigin(publicUrl)?.startsWith('https:') ?? false);
}

/**
 * The request's `Origin` header, when present, names this server: its host is the request's `Host`,
 * or it is the public base URL's origin. A request without `Origin` passes (browsers send it on every
 * cross-origin request, and on same-origin unsafe ones); `Origin: null` does not.
 */
export function isSameOrigin(req: RequestOrigin, publicUrl: string | null): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const host = req.headers.host?.toLowerCase();
  if (host !== undefined && url.host === host) return true;
  return publicOrigin(publicUrl) === url.origin;
}
