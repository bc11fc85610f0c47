import type { ServerOptions } from 'node:http';
import { ConfigError } from './errors.ts';
import { envInt } from './parse.ts';

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
 * The schema fields of the variables setting {@link HttpServerLimits}, to spread into an app's
 * environment schema: `VR3_HTTP_HEADERS_TIMEOUT_MS` (≥ 100), `VR3_HTTP_REQUEST_TIMEOUT_MS` (≥ 100),
 * `VR3_HTTP_KEEP_ALIVE_TIMEOUT_MS` (≥ 0) and `VR3_MAX_CONNECTIONS` (≥ 1); each optional.
 */
export const HTTP_SERVER_ENV = {
  VR3_HTTP_HEADERS_TIMEOUT_MS: envInt('VR3_HTTP_HEADERS_TIMEOUT_MS', 100),
  VR3_HTTP_REQUEST_TIMEOUT_MS: envInt('VR3_HTTP_REQUEST_TIMEOUT_MS', 100),
  VR3_HTTP_KEEP_ALIVE_TIMEOUT_MS: envInt('VR3_HTTP_KEEP_ALIVE_TIMEOUT_MS', 0),
  VR3_MAX_CONNECTIONS: envInt('VR3_MAX_CONNECTIONS', 1),
} as const;

/** The parsed values of {@link HTTP_SERVER_ENV}; unset ones are undefined. */
export interface HttpServerEnv {
  VR3_HTTP_HEADERS_TIMEOUT_MS?: number | undefined;
  VR3_HTTP_REQUEST_TIMEOUT_MS?: number | undefined;
  VR3_HTTP_KEEP_ALIVE_TIMEOUT_MS?: number | undefined;
  VR3_MAX_CONNECTIONS?: number | undefined;
}

/**
 * The limits set by `env`, each unset one taken from the app's `defaults`. Throws
 * {@link ConfigError} when the request timeout is shorter than the headers timeout.
 */
export function httpServerLimits(env: HttpServerEnv, defaults: Readonly<HttpServerLimits>): HttpServerLimits {
  const limits: HttpServerLimits = {
    headersTimeoutMs: env.VR3_HTTP_HEADERS_TIMEOUT_MS ?? defaults.headersTimeoutMs,
    requestTimeoutMs: env.VR3_HTTP_REQUEST_TIMEOUT_MS ?? defaults.requestTimeoutMs,
    keepAliveTimeoutMs: env.VR3_HTTP_KEEP_ALIVE_TIMEOUT_MS ?? defaults.keepAliveTimeoutMs,
    maxConnections: env.VR3_MAX_CONNECTIONS ?? defaults.maxConnections,
  };
  if (limits.requestTimeoutMs < limits.headersTimeoutMs) {
    throw new ConfigError('invalid environment: VR3_HTTP_REQUEST_TIMEOUT_MS: must be at least VR3_HTTP_HEADERS_TIMEOUT_MS');
  }
  return limits;
}

/** Longest period of Node's check for requests past their headers or request timeout. */
const MAX_CHECK_INTERVAL_MS = 1_000;

/**
 * Options for `http.createServer` with `limits` applied (`maxConnections` is a property of the
 * server, set by the caller). Node checks for requests past their timeouts every
 * `connectionsCheckingInterval` (30 s by default, which let a half-sent request live ~80 s): here
 * every second at most, and at least twice per headers timeout.
 */
export function httpServerOptions(limits: HttpServerLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(10, Math.min(MAX_CHECK_INTERVAL_MS, Math.floor(limits.headersTimeoutMs / 2))),
  };
}
