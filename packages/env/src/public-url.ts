/**
 * The product's public base URL (`VR3_PUBLIC_URL`): the scheme, host and port providers reach it at,
 * from which every URL handed to a provider is built (stream URLs, answer URLs).
 */
import { z } from 'zod';

/** `wss://host[:port]` (or ws, http, https) and nothing after it but an optional `/`: what `VR3_PUBLIC_URL` takes. */
export function isPublicBaseUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return ['ws:', 'wss:', 'http:', 'https:'].includes(parsed.protocol) && parsed.host !== '' && /^[a-z]+:\/\/[^/?#]+\/?$/i.test(url) && parsed.username === '' && parsed.password === '';
}

/** The schema field of `VR3_PUBLIC_URL`, to spread into an app's environment schema; optional. */
export const PUBLIC_URL_ENV = {
  VR3_PUBLIC_URL: z
    .string()
    .refine(isPublicBaseUrl, 'VR3_PUBLIC_URL must be a wss, ws, https or http URL with a host and no path (wss://voice.example.com)')
    .optional(),
} as const;

/** One public base URL in the two forms providers are given. */
export interface PublicBases {
  /** `wss://host[:port]` (`ws://` when the base is `ws://` or `http://`): where stream URLs point. */
  stream: string;
  /** `https://host[:port]` (`http://` when the base is `ws://` or `http://`): where answer and callback URLs point. */
  http: string;
}

/**
 * The stream (ws/wss) and HTTP (http/https) forms of a public base URL: a secure base (`wss:`,
 * `https:`) gives `wss://` and `https://`, any other `ws://` and `http://`; a default port is left
 * out. Throws `TypeError` when `base` is not an {@link isPublicBaseUrl} URL.
 */
export function publicBasesOf(base: string): PublicBases {
  if (!isPublicBaseUrl(base)) throw new TypeError('not a public base URL (scheme://host[:port])');
  const url = new URL(base);
  const secure = url.protocol === 'wss:' || url.protocol === 'https:';
  // `URL.host` drops a port that is the default of the URL's own scheme; the ws and http defaults agree (80, 443).
  return { stream: `${secure ? 'wss' : 'ws'}://${url.host}`, http: `${secure ? 'https' : 'http'}://${url.host}` };
}

/** Where an app listens, for {@link derivedPublicUrl}. */
export interface ListenAddress {
  /** `HOST`: the interface bound; a wildcard (`0.0.0.0`, `::`) stands for this machine, `localhost`. */
  host: string;
  /** The port bound (the real one when `PORT=0` asked for a free one). */
  port: number;
  /** The app serves TLS (`VR3_TLS_CERT_FILE`): `wss://`, else `ws://`. */
  tls: boolean;
}

const WILDCARD_HOSTS: ReadonlySet<string> = new Set(['0.0.0.0', '::', '[::]', '::0', '']);

/**
 * The base URL of an app that is reached where it listens (no proxy, no `VR3_PUBLIC_URL`):
 * `ws[s]://{host}:{port}`, a wildcard host read as `localhost`, an IPv6 literal in brackets, a
 * default port left out.
 */
export function derivedPublicUrl(listen: ListenAddress): string {
  const host = WILDCARD_HOSTS.has(listen.host) ? 'localhost' : listen.host.includes(':') && !listen.host.startsWith('[') ? `[${listen.host}]` : listen.host;
  const url = new URL(`${listen.tls ? 'wss' : 'ws'}://${host}`);
  url.port = String(listen.port);
  return `${url.protocol}//${url.host}`;
}
