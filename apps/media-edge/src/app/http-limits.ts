import http from 'node:http';

/**
 * Limits of a public HTTP server (the Agent Stream endpoint, the REST API): how long a client may
 * take to send its request, how long an idle keep-alive connection is kept, and how many
 * connections are open at once. Durations in milliseconds.
 */
export interface HttpServerLimits {
  /** A request (a WebSocket upgrade included) whose headers are not complete by then is answered 408 and closed. */
  headersTimeoutMs: number;
  /** A request not entirely received by then is answered 408 and closed (≥ `headersTimeoutMs`). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  keepAliveTimeoutMs: number;
  /** Open TCP connections (live calls and pending upgrades included); a further one is closed at once. */
  maxConnections: number;
}

/**
 * Defaults of {@link HttpServerLimits} for the media-edge and the embedded product, each overridable
 * by the variable named beside it.
 */
export const DEFAULT_HTTP_LIMITS: Readonly<HttpServerLimits> = Object.freeze({
  /** VR3_HTTP_HEADERS_TIMEOUT_MS: 10 s. A provider sends its upgrade in one packet; Node's 60 s let idle half-requests pile up. */
  headersTimeoutMs: 10_000,
  /** VR3_HTTP_REQUEST_TIMEOUT_MS: 30 s for a whole request (REST bodies are at most 64 KiB). */
  requestTimeoutMs: 30_000,
  /** VR3_HTTP_KEEP_ALIVE_TIMEOUT_MS: 5 s (Node's default); raise it above a load balancer's idle timeout. */
  keepAliveTimeoutMs: 5_000,
  /** VR3_MAX_CONNECTIONS: 5000: the default 1000 calls, their pending handshakes and REST clients, well under a raised `ulimit -n`. */
  maxConnections: 5_000,
});

/** Longest period of Node's check for requests past their headers or request timeout. */
const MAX_CHECK_INTERVAL_MS = 1_000;

/** Why a set of {@link HttpServerLimits} cannot be used, or null: for the apps' environment checks. */
export function httpLimitsProblem(limits: HttpServerLimits): string | null {
  if (limits.requestTimeoutMs < limits.headersTimeoutMs) return 'VR3_HTTP_REQUEST_TIMEOUT_MS must be at least VR3_HTTP_HEADERS_TIMEOUT_MS';
  return null;
}

/**
 * Options for `http.createServer` with `limits` applied. Node checks for requests past their
 * timeouts every `connectionsCheckingInterval` (30 s by default, which let a half-sent request live
 * ~80 s): here every second at most, and at least twice per headers timeout.
 */
export function httpServerOptions(limits: HttpServerLimits): http.ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(10, Math.min(MAX_CHECK_INTERVAL_MS, Math.floor(limits.headersTimeoutMs / 2))),
  };
}

/**
 * An `http.Server` with `limits` applied: request timeouts (see {@link httpServerOptions}) and at
 * most `maxConnections` open connections. Node's own `maxConnections` closes a connection beyond it
 * as soon as its handle accepts it, but counts that handle's connections only; connections handed
 * to the server from elsewhere (extra accept handles, `'connection'` events) are counted here too,
 * and one beyond the cap is closed at once.
 */
export function createLimitedHttpServer(limits: HttpServerLimits, listener?: http.RequestListener): http.Server {
  const server = http.createServer(httpServerOptions(limits), listener);
  server.maxConnections = limits.maxConnections;
  let open = 0;
  server.on('connection', (socket) => {
    if (open >= limits.maxConnections) {
      socket.destroy();
      return;
    }
    open++;
    socket.once('close', () => open--);
  });
  return server;
}
