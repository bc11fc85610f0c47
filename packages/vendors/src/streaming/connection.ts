/**
 * What every streaming vendor client takes besides its wire-format options: where to connect (a
 * `base_url` override held to the product's address policy), and the limits and deadlines of the
 * socket. Defaults live in {@link VENDOR_CONNECTION_DEFAULTS}.
 */
import { isIP } from 'node:net';
import type { RemoteAddressPolicy, ResolveHost } from '@vr3/providers';
import { VendorError } from '../errors.ts';
import type { StreamingVendor } from '../errors.ts';

/** Connection options of every streaming vendor client. */
export interface VendorConnectionOptions {
  /**
   * The `base_url` of the service credential (`https://…` or `wss://…`, optionally with a path
   * prefix the vendor path is appended to); default the vendor's own. No query, fragment or userinfo.
   */
  baseUrl?: string | undefined;
  /**
   * `'public'` (default): `wss`/`https` only, and never to a loopback, private, link-local, CGNAT,
   * metadata or reserved address, checked on the address the socket actually connects to.
   * `'any'`: the insecure option — `ws://` and any address (local stand-ins, on-premise proxies).
   */
  addressPolicy?: RemoteAddressPolicy | undefined;
  /** Host name resolver for the connect; default `dns.lookup` (all addresses). Tests inject a stub. */
  resolveHost?: ResolveHost | undefined;
  /** Deadline of DNS + TCP + TLS + upgrade, in ms. */
  connectTimeoutMs?: number | undefined;
  /** Largest message accepted from the vendor, in bytes; a larger one closes the socket with 1009. */
  maxMessageBytes?: number | undefined;
  /** How long the vendor may stay silent while a reply is due (finalize, flush, end of context), in ms. */
  idleTimeoutMs?: number | undefined;
  /** After this long without sending anything, the client sends the vendor's keep-alive, in ms. */
  keepAliveIntervalMs?: number | undefined;
  /** Deadline of a graceful close (the vendor's last results and its close frame), in ms; then `terminate()`. */
  closeTimeoutMs?: number | undefined;
  /**
   * Bytes the socket may hold unsent before audio is refused: `sendAudio` returns `false` and counts
   * the chunk as dropped (the newest audio is dropped; what is queued is already in the socket).
   */
  maxBufferedBytes?: number | undefined;
  /** Ends the connection: a connect in progress rejects `aborted`, an open stream is closed at once. */
  signal?: AbortSignal | undefined;
}

/** {@link VendorConnectionOptions} with every default applied. */
export interface ResolvedConnectionOptions {
  addressPolicy: RemoteAddressPolicy;
  resolveHost: ResolveHost | undefined;
  connectTimeoutMs: number;
  maxMessageBytes: number;
  idleTimeoutMs: number;
  keepAliveIntervalMs: number;
  closeTimeoutMs: number;
  maxBufferedBytes: number;
  signal: AbortSignal | undefined;
}

/** Defaults of {@link VendorConnectionOptions}; a vendor client may override some (see its module). */
export const VENDOR_CONNECTION_DEFAULTS = Object.freeze({
  /** `'public'`: a base URL is user-chosen, so it is held to the provider calls' rule. */
  addressPolicy: 'public' as RemoteAddressPolicy,
  /** 5 s: a vendor that cannot open a socket in 5 s will not stream in real time either. */
  connectTimeoutMs: 5_000,
  /** 4 MiB: far above any audio chunk or transcript these vendors send (a few KB to ~100 KB). */
  maxMessageBytes: 4 * 1024 * 1024,
  /** 10 s: a flush or finalize answered later than this is of no use to a live call. */
  idleTimeoutMs: 10_000,
  /** 5 s: Deepgram closes a socket that received nothing for 10 s (NET-0001); vendors override. */
  keepAliveIntervalMs: 5_000,
  /** 3 s: enough for the vendor's final results after a close request. */
  closeTimeoutMs: 3_000,
  /** 1 MiB: ~30 s of 16 kHz PCM; past it the network, not the vendor, is the bottleneck. */
  maxBufferedBytes: 1024 * 1024,
});

/** Applies `overrides` (a vendor's defaults) then the caller's `options`, validating each number. */
export function resolveConnectionOptions(
  vendor: StreamingVendor,
  options: VendorConnectionOptions,
  overrides: Partial<Omit<ResolvedConnectionOptions, 'signal' | 'resolveHost' | 'addressPolicy'>> = {},
): ResolvedConnectionOptions {
  const policy = options.addressPolicy ?? VENDOR_CONNECTION_DEFAULTS.addressPolicy;
  if (policy !== 'public' && policy !== 'any') throw invalid(vendor, 'addressPolicy must be "public" or "any"');
  const pick = (name: keyof typeof VENDOR_CONNECTION_DEFAULTS & keyof ResolvedConnectionOptions, min: number): number => {
    const value = options[name] ?? overrides[name as keyof typeof overrides] ?? VENDOR_CONNECTION_DEFAULTS[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) throw invalid(vendor, `${name} must be a number ≥ ${min}`);
    return value;
  };
  return {
    addressPolicy: policy,
    resolveHost: options.resolveHost,
    connectTimeoutMs: pick('connectTimeoutMs', 1),
    maxMessageBytes: pick('maxMessageBytes', 1024),
    idleTimeoutMs: pick('idleTimeoutMs', 1),
    keepAliveIntervalMs: pick('keepAliveIntervalMs', 1),
    closeTimeoutMs: pick('closeTimeoutMs', 1),
    maxBufferedBytes: pick('maxBufferedBytes', 0),
    signal: options.signal,
  };
}

/**
 * The WebSocket URL of `path` (which starts with `/`) under `baseUrl` (or `defaultBase`), with
 * `query`. `http(s)` becomes `ws(s)`; a path prefix of the base is kept. Policy `'public'` refuses
 * anything but `wss`; addresses are checked when connecting.
 *
 * @throws VendorError `invalid_option` (not a URL, another scheme, userinfo, query or fragment)
 * or `address_not_allowed` (rule `insecure_scheme`).
 */
export function vendorUrl(
  vendor: StreamingVendor,
  baseUrl: string | undefined,
  defaultBase: string,
  path: string,
  query: URLSearchParams,
  policy: RemoteAddressPolicy,
): URL {
  let base: URL;
  try {
    base = new URL(baseUrl ?? defaultBase);
  } catch (err) {
    throw invalid(vendor, 'baseUrl is not a URL', err);
  }
  if (base.protocol === 'https:') base.protocol = 'wss:';
  else if (base.protocol === 'http:') base.protocol = 'ws:';
  if (base.protocol !== 'wss:' && base.protocol !== 'ws:') throw invalid(vendor, 'baseUrl must be an https, wss, http or ws URL');
  if (base.username !== '' || base.password !== '') throw invalid(vendor, 'baseUrl must not carry credentials');
  if (base.search !== '' || base.hash !== '') throw invalid(vendor, 'baseUrl must not have a query or fragment');
  if (policy === 'public' && base.protocol !== 'wss:') {
    throw new VendorError(vendor, 'address_not_allowed', 'base URL must use https or wss', { rule: 'insecure_scheme' });
  }
  const prefix = base.pathname.replace(/\/+$/, '');
  base.pathname = `${prefix}${path}`;
  base.search = query.toString();
  return base;
}

/** `hostname` (as in `URL.hostname`) without brackets when it is an IP literal, else `undefined`. */
export function ipLiteral(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare.split('%')[0] ?? '') === 0 ? undefined : bare;
}

function invalid(vendor: StreamingVendor, message: string, cause?: unknown): VendorError {
  return new VendorError(vendor, 'invalid_option', message, cause === undefined ? {} : { cause });
}
