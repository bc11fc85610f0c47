/**
 * How a provider client sends one HTTP request: over `node:http(s)` on keep-alive agents whose
 * sockets connect through a {@link guardedLookup} (the default: the address policy holds for the
 * address every pooled connection was opened to), or through an injected `fetch` (tests). Either
 * way the answer's body is left unread for `readRemoteBody` (or a streaming reader). Exported for the
 * vendor clients (`@vr3/vendors`), which send through the same guarded pools.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { addressRuleOf, ipLiteralOf } from './address-rules.ts';
import { ProviderConfigError, RemoteAddressError } from './errors.ts';
import { addressNotAllowed, guardedLookup, systemResolveHost } from './remote-address.ts';
import type { RemoteAddressPolicy, ResolveHost } from './remote-address.ts';
import type { RemoteBodySource } from './remote-body.ts';

/** One request, with a signal that aborts it (connect, answer and body). */
export interface TransportRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Sent as is, with a `content-length` (a string as UTF-8). */
  body?: string | Uint8Array | undefined;
  signal: AbortSignal;
}

/** An answer whose body has not been read. */
export interface TransportAnswer {
  status: number;
  body: RemoteBodySource;
  /** Drops the unread body (and its connection). */
  discard(): void;
}

/** Sends one request; rejects on a network failure or a refused address, before any answer. */
export type HttpTransport = (req: TransportRequest) => Promise<TransportAnswer>;

/** The transport options every provider client takes. */
export interface TransportOptions {
  /** `fetch` implementation (tests); only with `addressPolicy: 'any'`. Default: `node:http(s)`. */
  fetch?: typeof fetch | undefined;
  /**
   * Where requests may go. `'public'`: https only, and never to a loopback, private, link-local,
   * CGNAT, unspecified, multicast, reserved or metadata address, checked on the address each socket
   * connects to. `'any'` (default): no restriction, for URLs no end user chose (and local fakes).
   * Set `'public'` for a base URL an end user can change.
   */
  addressPolicy?: RemoteAddressPolicy | undefined;
  /**
   * Host name resolver used when connecting; default `dns.lookup` (all addresses). Tests inject a
   * stub. Connections are pooled per policy and resolver function: clients given the same function
   * (or none) share them, so pass one long-lived function, not a new closure per client.
   */
  resolveHost?: ResolveHost | undefined;
}

/**
 * The transport described by `options`.
 *
 * @throws ProviderConfigError `invalid_option` for an unknown policy, or a custom `fetch` with
 * policy `'public'` (a custom fetch cannot be made to check the address it connects to).
 */
export function transportFor(options: TransportOptions): HttpTransport {
  const policy = options.addressPolicy ?? 'any';
  if (policy !== 'public' && policy !== 'any') throw new ProviderConfigError('invalid_option', 'addressPolicy must be "public" or "any"');
  if (options.fetch !== undefined) {
    if (policy === 'public') throw new ProviderConfigError('invalid_option', 'addressPolicy "public" cannot be enforced through a custom fetch');
    return fetchTransport(options.fetch);
  }
  return nodeTransport(policy, options.resolveHost);
}

/**
 * Keep-alive pool of the provider transport, per origin (scheme, host, port). One pool per address
 * policy and resolver: a socket is only ever reused by requests held to the same rules it was
 * checked against when it connected.
 */
const PROVIDER_AGENT_OPTIONS = Object.freeze({
  keepAlive: true,
  /** 64 connections per origin; a request beyond them waits for a free one (within its deadline). */
  maxSockets: 64,
  /** 32 idle connections kept per origin; more are closed when they fall idle. */
  maxFreeSockets: 32,
  /**
   * 15 s: an idle connection is closed after this long (sooner when the server announces a shorter
   * `Keep-Alive: timeout`), below the idle timeouts of common servers and load balancers (60 s+).
   */
  timeout: 15_000,
  /** Reuse the most recently used connection first, so surplus ones fall idle and close. */
  scheduling: 'lifo',
} as const);

/** Methods a request may be sent again for when a reused connection turns out to be closed. */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

interface AgentPair {
  http: http.Agent;
  https: https.Agent;
}

/**
 * The keep-alive agents of each policy and resolver, created on first use. Nothing closes them:
 * provider clients are built per call and have no close, and an idle socket is unref'd by the agent
 * (it never holds the process open) and closed after {@link PROVIDER_AGENT_OPTIONS}`.timeout`.
 */
const AGENTS: Readonly<Record<RemoteAddressPolicy, WeakMap<ResolveHost, AgentPair>>> = { public: new WeakMap(), any: new WeakMap() };

/**
 * The agents of `policy` and `resolveHost`: every new socket resolves its host through the
 * {@link guardedLookup} of that policy, so an address check holds for every socket in the pool.
 */
function agentsFor(policy: RemoteAddressPolicy, resolveHost: ResolveHost): AgentPair {
  let pair = AGENTS[policy].get(resolveHost);
  if (pair === undefined) {
    const lookup = guardedLookup(policy, resolveHost) as unknown as LookupFunction;
    pair = { http: new http.Agent({ ...PROVIDER_AGENT_OPTIONS, lookup }), https: new https.Agent({ ...PROVIDER_AGENT_OPTIONS, lookup }) };
    AGENTS[policy].set(resolveHost, pair);
  }
  return pair;
}

/**
 * `node:http(s)` over keep-alive agents of its own (never the global agent), connecting only where
 * `policy` allows: each new socket goes through the guarded lookup, a reused one passed it when it
 * connected. A body that is not read to its end (over the cap, past the deadline, aborted, or
 * discarded before it fully arrived) destroys its socket, so the pool only holds connections
 * between two answers.
 * An idempotent request that fails on a reused connection before any answer (the server closed it
 * while idle) is sent once more on a new one.
 */
export function nodeTransport(policy: RemoteAddressPolicy, resolveHost: ResolveHost = systemResolveHost): HttpTransport {
  return (req) => {
    const url = new URL(req.url);
    if (policy === 'public') {
      if (url.protocol !== 'https:') return Promise.reject(new RemoteAddressError('address_not_allowed', 'URL must use https', { rule: 'insecure_scheme' }));
      // An IP literal never goes through `lookup`: check it here.
      const literal = ipLiteralOf(url.hostname);
      const rule = literal === undefined ? undefined : addressRuleOf(literal);
      if (rule !== undefined) return Promise.reject(addressNotAllowed(rule));
    }
    const headers: Record<string, string> = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
    const agents = agentsFor(policy, resolveHost);
    const secure = url.protocol === 'https:';
    const options: http.RequestOptions = { method: req.method, headers, agent: secure ? agents.https : agents.http };
    const { signal } = req;
    const send = (retry: boolean): Promise<TransportAnswer> =>
      new Promise<TransportAnswer>((resolve, reject) => {
        if (signal.aborted) return reject(abortErrorOf(signal));
        const request = (secure ? https.request : http.request)(url, options, (res) => {
          res.on('error', () => {}); // surfaced to whoever reads the body
          const discard = (): void => {
            // A body already received in full is drained: its connection goes back to the pool.
            if (res.complete) {
              release();
              res.resume();
            } else res.destroy();
          };
          resolve({ status: res.statusCode ?? 0, body: res, discard });
        });
        // Our own abort listener (not `options.signal`), so a drained answer can outlive an abort.
        const onAbort = (): void => void request.destroy(abortErrorOf(signal));
        const release = (): void => signal.removeEventListener('abort', onAbort);
        signal.addEventListener('abort', onAbort, { once: true });
        request.once('close', release);
        request.on('error', (err: NodeJS.ErrnoException) => {
          const stale = request.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
          if (retry && stale && !signal.aborted && IDEMPOTENT_METHODS.has(req.method)) resolve(send(false));
          else reject(err);
        });
        request.end(req.body);
      });
    return send(true);
  };
}

function abortErrorOf(signal: AbortSignal): Error {
  return Object.assign(new Error('request aborted', { cause: signal.reason }), { name: 'AbortError', code: 'ABORT_ERR' });
}

/** An injected `fetch` (redirects not followed). */
export function fetchTransport(fetchImpl: typeof fetch): HttpTransport {
  return async (req) => {
    const init: RequestInit = { method: req.method, headers: req.headers, signal: req.signal, redirect: 'manual' };
    if (req.body !== undefined) init.body = req.body;
    const res = await fetchImpl(req.url, init);
    return { status: res.status, body: res.body, discard: () => void res.body?.cancel().catch(() => {}) };
  };
}
