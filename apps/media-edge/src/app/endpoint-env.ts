import {
  ConfigError,
  envInt,
  HTTP_SERVER_ENV,
  httpServerLimits,
  METRICS_ACCESS_ENV,
  metricsAccess,
  PUBLIC_URL_ENV,
  TLS_ENV,
  tlsFiles,
  type HttpServerEnv,
  type HttpServerLimits,
  type MetricsAccess,
  type MetricsAccessEnv,
  type TlsEnv,
  type TlsFiles,
} from '@vr3/env';
import { z } from 'zod';

/** VR3_VENDOR_TIMEOUT_MS: the range an operator may set it in (milliseconds); unset, each vendor client keeps its own default. */
export const VENDOR_TIMEOUT_BOUNDS_MS = { min: 500, max: 120_000 } as const;
const { min: VENDOR_TIMEOUT_MIN, max: VENDOR_TIMEOUT_MAX } = VENDOR_TIMEOUT_BOUNDS_MS;

/**
 * The schema fields of the public Agent Stream endpoint's variables, to spread into an app's
 * environment schema (the media-edge pod's and the embedded product's): the per-address pending
 * handshake, connection-rate and admission bounds, the accept handles, the per-call inbound frame
 * rate, the HTTP server's limits ({@link HTTP_SERVER_ENV}), `/metrics` access
 * ({@link METRICS_ACCESS_ENV}), `VR3_PUBLIC_URL`, the TLS files ({@link TLS_ENV}) and the engines'
 * vendor deadline `VR3_VENDOR_TIMEOUT_MS`; each optional. {@link edgeEndpointSettings}
 * turns their values into settings.
 */
export const EDGE_ENDPOINT_ENV = {
  VR3_MAX_PENDING_HANDSHAKES_PER_ADDRESS: envInt('VR3_MAX_PENDING_HANDSHAKES_PER_ADDRESS', 1),
  VR3_MAX_PENDING_ADMISSIONS: envInt('VR3_MAX_PENDING_ADMISSIONS', 1),
  /** VR3_ACCEPT_HANDLES: extra accept handles on the listening socket (0 = the server's own only). */
  VR3_ACCEPT_HANDLES: envInt('VR3_ACCEPT_HANDLES', 0),
  VR3_CONNECTIONS_PER_SECOND_PER_ADDRESS: envInt('VR3_CONNECTIONS_PER_SECOND_PER_ADDRESS', 1),
  VR3_CONNECTION_BURST_PER_ADDRESS: envInt('VR3_CONNECTION_BURST_PER_ADDRESS', 1),
  VR3_MAX_INBOUND_FRAMES_PER_SECOND: envInt('VR3_MAX_INBOUND_FRAMES_PER_SECOND', 50),
  VR3_INBOUND_FRAME_BURST: envInt('VR3_INBOUND_FRAME_BURST', 1),
  ...HTTP_SERVER_ENV,
  ...METRICS_ACCESS_ENV,
  ...TLS_ENV,
  ...PUBLIC_URL_ENV,
  /** VR3_VENDOR_TIMEOUT_MS: the engines' vendor deadline (see `ProductEngineOptions.vendorTimeoutMs`). */
  VR3_VENDOR_TIMEOUT_MS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      const n = Number(v);
      if (!/^\d+$/.test(v.trim()) || n < VENDOR_TIMEOUT_MIN || n > VENDOR_TIMEOUT_MAX) {
        ctx.addIssue({ code: 'custom', message: `VR3_VENDOR_TIMEOUT_MS must be an integer from ${VENDOR_TIMEOUT_MIN} to ${VENDOR_TIMEOUT_MAX} (milliseconds)` });
        return z.NEVER;
      }
      return n;
    }),
} as const;

/** The parsed values of {@link EDGE_ENDPOINT_ENV}; unset ones are undefined. */
export interface EdgeEndpointEnv extends HttpServerEnv, MetricsAccessEnv, TlsEnv {
  VR3_MAX_PENDING_HANDSHAKES_PER_ADDRESS?: number | undefined;
  VR3_MAX_PENDING_ADMISSIONS?: number | undefined;
  VR3_ACCEPT_HANDLES?: number | undefined;
  VR3_CONNECTIONS_PER_SECOND_PER_ADDRESS?: number | undefined;
  VR3_CONNECTION_BURST_PER_ADDRESS?: number | undefined;
  VR3_MAX_INBOUND_FRAMES_PER_SECOND?: number | undefined;
  VR3_INBOUND_FRAME_BURST?: number | undefined;
  VR3_PUBLIC_URL?: string | undefined;
  VR3_VENDOR_TIMEOUT_MS?: number | undefined;
}

/** The public endpoint's settings read from {@link EDGE_ENDPOINT_ENV}. */
export interface EdgeEndpointSettings {
  maxPendingHandshakesPerAddress: number;
  maxPendingAdmissions: number;
  acceptHandles: number;
  connectionsPerSecondPerAddress: number;
  connectionBurstPerAddress: number;
  maxInboundFramesPerSecond: number;
  inboundFrameBurst: number;
  httpLimits: HttpServerLimits;
  /** Who may read `/metrics`: VR3_METRICS_TOKEN holders, anyone (VR3_METRICS_PUBLIC=true), or nobody (neither: 401). */
  metrics: MetricsAccess;
  /** VR3_PUBLIC_URL: the base URL providers reach the endpoint at, or null. */
  publicUrl: string | null;
  /** VR3_TLS_CERT_FILE + VR3_TLS_KEY_FILE: serve https/wss from these files (reloaded on SIGHUP and change), or null: plain http/ws. */
  tls: TlsFiles | null;
  /** VR3_VENDOR_TIMEOUT_MS: the engines' vendor deadline, or null: each vendor client's own default. */
  vendorTimeoutMs: number | null;
}

/** The defaults an app gives {@link edgeEndpointSettings}: every setting but `/metrics` access, TLS and the vendor deadline, which have their own rules. */
export type EdgeEndpointDefaults = Readonly<Omit<EdgeEndpointSettings, 'metrics' | 'httpLimits' | 'tls' | 'vendorTimeoutMs'>> & { readonly httpLimits: Readonly<HttpServerLimits> };

/**
 * The settings set by `env`, each unset one taken from the app's `defaults`. Throws `ConfigError`
 * when the HTTP limits or the `/metrics` variables contradict each other, when only one TLS file
 * is set or the two do not hold a matching certificate and key, or when the endpoint serves TLS
 * and `VR3_PUBLIC_URL` is not `wss://`/`https://`.
 */
export function edgeEndpointSettings(env: EdgeEndpointEnv, defaults: EdgeEndpointDefaults): EdgeEndpointSettings {
  const httpLimits = httpServerLimits(env, defaults.httpLimits);
  const metrics = metricsAccess(env);
  const tls = tlsFiles(env);
  // Served over TLS, the endpoint is only reachable as wss:// (https://): a ws:// public URL would
  // make every signed upgrade fail its check.
  if (tls !== null && env.VR3_PUBLIC_URL !== undefined && !/^(wss|https):/i.test(env.VR3_PUBLIC_URL)) {
    throw new ConfigError('invalid environment: VR3_PUBLIC_URL: must be a wss:// (or https://) URL when VR3_TLS_CERT_FILE is set');
  }
  return {
    maxPendingHandshakesPerAddress: env.VR3_MAX_PENDING_HANDSHAKES_PER_ADDRESS ?? defaults.maxPendingHandshakesPerAddress,
    maxPendingAdmissions: env.VR3_MAX_PENDING_ADMISSIONS ?? defaults.maxPendingAdmissions,
    acceptHandles: env.VR3_ACCEPT_HANDLES ?? defaults.acceptHandles,
    connectionsPerSecondPerAddress: env.VR3_CONNECTIONS_PER_SECOND_PER_ADDRESS ?? defaults.connectionsPerSecondPerAddress,
    connectionBurstPerAddress: env.VR3_CONNECTION_BURST_PER_ADDRESS ?? defaults.connectionBurstPerAddress,
    maxInboundFramesPerSecond: env.VR3_MAX_INBOUND_FRAMES_PER_SECOND ?? defaults.maxInboundFramesPerSecond,
    inboundFrameBurst: env.VR3_INBOUND_FRAME_BURST ?? defaults.inboundFrameBurst,
    httpLimits,
    metrics,
    publicUrl: env.VR3_PUBLIC_URL ?? defaults.publicUrl,
    tls,
    vendorTimeoutMs: env.VR3_VENDOR_TIMEOUT_MS ?? null,
  };
}
