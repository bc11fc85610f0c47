import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { z } from 'zod';
import { TrustedProxies } from '../admission/client-address.ts';
import path from 'node:path';
import { ConfigError, envInt, envUrl, parseEnv, type MetricsAccess } from '@vr3/env';
import { RECORDINGS_ENV, recordingsSettings, type RecordingsSettings } from '@vr3/recordings';
import { DEFAULT_MEDIA_EDGE_CONFIG } from '../config.ts';
import { EDGE_ENDPOINT_ENV, edgeEndpointSettings, type EdgeEndpointSettings } from './endpoint-env.ts';
import { DEFAULT_HTTP_LIMITS } from './http-limits.ts';
import { DEFAULT_ACCEPT_HANDLES } from '../transport/accept-handles.ts';

export { ConfigError };

/** Defaults of a distributed media-edge pod, each overridable by the environment variable named beside it. */
export const MEDIA_EDGE_DEFAULTS = {
  /** PORT: the Agent Stream WebSocket endpoint, /healthz, /readyz and /metrics. */
  port: 8080,
  /** HOST: interface to bind. */
  host: '0.0.0.0',
  /** VR3_HANDSHAKE_TIMEOUT_MS: deadline for `connected`/`start` after the socket opens. */
  handshakeTimeoutMs: DEFAULT_MEDIA_EDGE_CONFIG.handshakeTimeoutMs,
  /** VR3_DRAIN_TIMEOUT_MS: how long live calls run on after SIGTERM before they are hung up. */
  drainTimeoutMs: DEFAULT_MEDIA_EDGE_CONFIG.drainTimeoutMs,
  /** VR3_HEARTBEAT_INTERVAL_MS: period of the `EdgeHeartbeat` (keep well under VR3_EDGE_LOST_AFTER_MS). */
  heartbeatIntervalMs: DEFAULT_MEDIA_EDGE_CONFIG.heartbeatIntervalMs,
  /** VR3_BUS_REQUEST_TIMEOUT_MS: timeout of every request to the control-plane. */
  busRequestTimeoutMs: DEFAULT_MEDIA_EDGE_CONFIG.busRequestTimeoutMs,
  /**
   * VR3_RUN_START_TIMEOUT_MS: timeout of `RunStart`, which includes the provider's session validation;
   * keep it above the control-plane's VR3_PROVIDER_TIMEOUT_MS (default 5 s) plus a margin.
   */
  runStartTimeoutMs: DEFAULT_MEDIA_EDGE_CONFIG.runStartTimeoutMs,
  /** VR3_MAX_CALLS: concurrent calls; further streams are refused with 1013. */
  maxCalls: DEFAULT_MEDIA_EDGE_CONFIG.maxCalls,
  /**
   * VR3_MAX_PENDING_HANDSHAKES_PER_ADDRESS: sockets from one source address still before their
   * provider `start`; a further one is refused with 1013 before admission.
   */
  maxPendingHandshakesPerAddress: DEFAULT_MEDIA_EDGE_CONFIG.maxPendingHandshakesPerAddress,
  /**
   * VR3_TRUSTED_PROXIES: comma-separated addresses or CIDR ranges of the load balancer in front of
   * the edge whose `X-Forwarded-For` names a stream's source address; none by default.
   */
  trustedProxies: [] as string[],
  /**
   * VR3_ACCEPT_HANDLES: extra accept handles on the listening socket. A busy process accepts one
   * connection per event-loop iteration and handle; with more, a burst of calls is accepted as it
   * arrives instead of waiting in the kernel's accept queue. 0: the server's own handle only.
   */
  acceptHandles: DEFAULT_ACCEPT_HANDLES,
  /** VR3_MAX_PENDING_ADMISSIONS: `StreamAdmit` requests awaiting their answer; a further stream is refused with 1013. */
  maxPendingAdmissions: DEFAULT_MEDIA_EDGE_CONFIG.maxPendingAdmissions,
  /** VR3_ENGINE_CLOSE_TIMEOUT_MS: how long a call's engine may take to close before its run is finalized anyway. */
  engineCloseTimeoutMs: DEFAULT_MEDIA_EDGE_CONFIG.engineCloseTimeoutMs,
  /** VR3_CONNECTIONS_PER_SECOND_PER_ADDRESS: new connections per second from one source address, sustained; beyond it 1013. */
  connectionsPerSecondPerAddress: DEFAULT_MEDIA_EDGE_CONFIG.connectionsPerSecondPerAddress,
  /** VR3_CONNECTION_BURST_PER_ADDRESS: new connections from one source address at once. */
  connectionBurstPerAddress: DEFAULT_MEDIA_EDGE_CONFIG.connectionBurstPerAddress,
  /** VR3_MAX_INBOUND_FRAMES_PER_SECOND: frames per second one call may send, sustained; beyond it the stream is cut off (1008). */
  maxInboundFramesPerSecond: DEFAULT_MEDIA_EDGE_CONFIG.maxInboundFramesPerSecond,
  /** VR3_INBOUND_FRAME_BURST: frames one call may send at once above that rate. */
  inboundFrameBurst: DEFAULT_MEDIA_EDGE_CONFIG.inboundFrameBurst,
  /**
   * VR3_HTTP_HEADERS_TIMEOUT_MS, VR3_HTTP_REQUEST_TIMEOUT_MS, VR3_HTTP_KEEP_ALIVE_TIMEOUT_MS,
   * VR3_MAX_CONNECTIONS: the HTTP server's limits (see `DEFAULT_HTTP_LIMITS`).
   */
  httpLimits: DEFAULT_HTTP_LIMITS,
  /**
   * VR3_METRICS_TOKEN / VR3_METRICS_PUBLIC: `/metrics` needs `Authorization: Bearer <token>`; with
   * neither, it answers 401 to everyone unless VR3_METRICS_PUBLIC=true opens it.
   */
  metrics: { kind: 'closed' } as MetricsAccess,
  /** VR3_PUBLIC_URL: the base URL providers reach the edge at (`wss://host`); unset, upgrade signatures are not checked. */
  publicUrl: DEFAULT_MEDIA_EDGE_CONFIG.publicUrl,
  /**
   * VR3_RECORDINGS_SPOOL_DIR: where call recordings are written while calls run and kept until
   * stored (give it a persistent volume: what a restart finds there is stored then). Recordings are
   * stored in the bucket of VR3_RECORDINGS_S3_* or under VR3_RECORDINGS_DIR; with neither, this edge
   * records nothing.
   */
  recordingsSpoolDir: path.join(os.tmpdir(), 'vr3-recordings-spool'),
  /** LOG_LEVEL: pino level. */
  logLevel: 'info',
} as const;

const EnvSchema = z.object({
  NATS_URL: envUrl('NATS_URL', ['nats', 'tls']),
  PORT: envInt('PORT', 0),
  HOST: z.string().min(1).optional(),
  VR3_EDGE_ID: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'VR3_EDGE_ID must be 1-64 of [A-Za-z0-9_.-]').optional(),
  VR3_HANDSHAKE_TIMEOUT_MS: envInt('VR3_HANDSHAKE_TIMEOUT_MS', 100),
  VR3_DRAIN_TIMEOUT_MS: envInt('VR3_DRAIN_TIMEOUT_MS', 0),
  VR3_HEARTBEAT_INTERVAL_MS: envInt('VR3_HEARTBEAT_INTERVAL_MS', 50),
  VR3_BUS_REQUEST_TIMEOUT_MS: envInt('VR3_BUS_REQUEST_TIMEOUT_MS', 50),
  VR3_RUN_START_TIMEOUT_MS: envInt('VR3_RUN_START_TIMEOUT_MS', 100),
  VR3_MAX_CALLS: envInt('VR3_MAX_CALLS', 1),
  VR3_TRUSTED_PROXIES: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      if (value === undefined) return;
      try {
        new TrustedProxies(splitList(value));
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `VR3_TRUSTED_PROXIES: ${(err as Error).message}` });
      }
    }),
  VR3_ENGINE_CLOSE_TIMEOUT_MS: envInt('VR3_ENGINE_CLOSE_TIMEOUT_MS', 0),
  ...EDGE_ENDPOINT_ENV,
  ...RECORDINGS_ENV,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
});

/** Parsed configuration of a media-edge pod: its own settings and the public endpoint's. */
export interface MediaEdgeEnv extends EdgeEndpointSettings {
  natsServers: string[];
  port: number;
  host: string;
  edgeId: string;
  handshakeTimeoutMs: number;
  drainTimeoutMs: number;
  heartbeatIntervalMs: number;
  busRequestTimeoutMs: number;
  runStartTimeoutMs: number;
  maxCalls: number;
  trustedProxies: string[];
  engineCloseTimeoutMs: number;
  /** VR3_RECORDINGS_*: where recordings are stored (none: the edge records nothing) and spooled. */
  recordings: RecordingsSettings;
  logLevel: string;
}

/** `a, b,c` → `['a', 'b', 'c']`. */
function splitList(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/**
 * Parses the environment once at boot; throws {@link ConfigError} naming the bad variable.
 * `DATABASE_URL`, `REDIS_URL` and credentials are not read: a media-edge holds no state and no secrets.
 */
export function loadMediaEdgeEnv(env: NodeJS.ProcessEnv = process.env): MediaEdgeEnv {
  const e = parseEnv(EnvSchema, env);
  const d = MEDIA_EDGE_DEFAULTS;
  const endpoint = edgeEndpointSettings(e, d);
  return {
    natsServers: e.NATS_URL.split(',').map((u) => u.trim()),
    port: e.PORT ?? d.port,
    host: e.HOST ?? d.host,
    // Unique per process: a restarted pod is a new edge, so the reaper judges the old one's runs.
    edgeId: e.VR3_EDGE_ID ?? `${os.hostname().replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 40)}-${randomBytes(3).toString('hex')}`,
    handshakeTimeoutMs: e.VR3_HANDSHAKE_TIMEOUT_MS ?? d.handshakeTimeoutMs,
    drainTimeoutMs: e.VR3_DRAIN_TIMEOUT_MS ?? d.drainTimeoutMs,
    heartbeatIntervalMs: e.VR3_HEARTBEAT_INTERVAL_MS ?? d.heartbeatIntervalMs,
    busRequestTimeoutMs: e.VR3_BUS_REQUEST_TIMEOUT_MS ?? d.busRequestTimeoutMs,
    runStartTimeoutMs: e.VR3_RUN_START_TIMEOUT_MS ?? d.runStartTimeoutMs,
    maxCalls: e.VR3_MAX_CALLS ?? d.maxCalls,
    trustedProxies: e.VR3_TRUSTED_PROXIES === undefined ? d.trustedProxies : splitList(e.VR3_TRUSTED_PROXIES),
    engineCloseTimeoutMs: e.VR3_ENGINE_CLOSE_TIMEOUT_MS ?? d.engineCloseTimeoutMs,
    ...endpoint,
    recordings: recordingsSettings(e, { dir: null, spoolDir: path.resolve(d.recordingsSpoolDir) }),
    logLevel: e.LOG_LEVEL ?? d.logLevel,
  };
}
