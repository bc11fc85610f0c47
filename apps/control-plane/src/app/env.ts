import os from 'node:os';
import { z } from 'zod';
import {
  ConfigError,
  envBool,
  envInt,
  envUrl,
  HTTP_SERVER_ENV,
  httpServerLimits,
  METRICS_ACCESS_ENV,
  metricsAccess,
  parseEnv,
  PUBLIC_URL_ENV,
  TLS_ENV,
  tlsFiles,
  type HttpServerLimits,
  type MetricsAccess,
  type TlsFiles,
} from '@vr3/env';

import { SIGN_IN_ENV, signInSettings, type SignInSettings } from './sign-in-env.ts';
import { WEBHOOK_ENV, webhookSettings, type WebhookSettings } from './webhook-env.ts';
import { RECORDINGS_ENV, recordingsSettings, type RecordingsSettings } from '@vr3/recordings';

export { ConfigError };

/** Defaults of the distributed control-plane, each overridable by the environment variable named beside it. */
export const CONTROL_PLANE_DEFAULTS = {
  /** PORT: HTTP port of the REST API, /healthz, /readyz and /metrics. */
  port: 8080,
  /** HOST: interface to bind. */
  host: '0.0.0.0',
  /** VR3_MIGRATE_ON_START: apply pending migrations (prisma/migrations) before serving. */
  migrateOnStart: false,
  /** VR3_EDGE_LOST_AFTER_MS: a run whose edge is silent this long is ended failed/edge_lost. */
  edgeLostAfterMs: 30_000,
  /** VR3_REAPER_INTERVAL_MS: period of the stale-run reaper (one pass per period for the fleet). */
  reaperIntervalMs: 5_000,
  /**
   * VR3_INITIALIZED_RUN_TIMEOUT_MS: a run still `initialized` this long after admission is ended
   * failed/handshake_timeout; keep it above the edges' VR3_HANDSHAKE_TIMEOUT_MS + VR3_RUN_START_TIMEOUT_MS.
   */
  initializedRunTimeoutMs: 30_000,
  /** VR3_PROVIDER_TIMEOUT_MS: timeout of one provider REST call. */
  providerTimeoutMs: 5_000,
  /** VR3_EDGE_CONTROL_TIMEOUT_MS: how long a hangup waits for the edge holding the call. */
  edgeControlTimeoutMs: 2_000,
  /** VR3_SHUTDOWN_TIMEOUT_MS: longest wait for in-flight HTTP requests, bus requests and jobs on SIGTERM. */
  shutdownTimeoutMs: 30_000,
  /**
   * VR3_MAX_PENDING_ADMISSIONS: stream admissions this replica handles at once; beyond it new ones
   * are refused `overloaded` (the edge closes 1013) instead of waiting past the edge's admit timeout.
   */
  maxPendingAdmissions: 256,
  /**
   * VR3_TRANSACTION_MAX_WAIT_MS: longest wait for a connection to open `RunStart`'s session-lock
   * transaction; the edges' VR3_RUN_START_TIMEOUT_MS must cover it plus VR3_PROVIDER_TIMEOUT_MS.
   */
  transactionMaxWaitMs: 2_000,
  /** VR3_DB_POOL_SIZE: PostgreSQL connections of this replica. */
  dbPoolSize: 20,
  /** VR3_JOB_CONCURRENCY: jobs this replica runs at once. */
  jobConcurrency: 16,
  /** The HTTP server's limits. */
  http: {
    /** VR3_HTTP_HEADERS_TIMEOUT_MS: a request whose headers are not complete after this long is answered 408 and closed. */
    headersTimeoutMs: 10_000,
    /** VR3_HTTP_REQUEST_TIMEOUT_MS: a request not entirely received after this long is answered 408 and closed. */
    requestTimeoutMs: 30_000,
    /** VR3_HTTP_KEEP_ALIVE_TIMEOUT_MS: idle keep-alive connections close after this long (Node's default). */
    keepAliveTimeoutMs: 5_000,
    /** VR3_MAX_CONNECTIONS: open HTTP connections (admins, scrapers, the load balancer); a further one is closed at once. */
    maxConnections: 1_000,
  },
  /** VR3_TLS_CERT_FILE + VR3_TLS_KEY_FILE (both or neither): serve https from these files, reloaded on SIGHUP and on change; unset: http. */
  tls: null,
  /**
   * VR3_PUBLIC_URL: the base URL providers reach the product at — the load balancer in front of the
   * media-edges and this API (`wss://voice.example.com`) — on which answer and stream URLs are built;
   * unset, answer URLs answer 503 and agents show no `answer_urls`.
   */
  publicUrl: null,
  /** LOG_LEVEL: pino level. */
  logLevel: 'info',
} as const;

const EnvSchema = z.object({
  DATABASE_URL: envUrl('DATABASE_URL', ['postgresql', 'postgres']),
  NATS_URL: envUrl('NATS_URL', ['nats', 'tls']),
  REDIS_URL: envUrl('REDIS_URL', ['redis', 'rediss']),
  VR3_SECRET_KEY: z.string({ error: 'VR3_SECRET_KEY is required (32 bytes, hex or base64)' }).min(1, 'VR3_SECRET_KEY is required'),
  PORT: envInt('PORT', 0),
  HOST: z.string().min(1).optional(),
  VR3_INSTANCE_ID: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'VR3_INSTANCE_ID must be 1-64 of [A-Za-z0-9_.-]').optional(),
  VR3_BOOTSTRAP_API_KEY: z.string().min(16, 'VR3_BOOTSTRAP_API_KEY must be at least 16 characters').optional(),
  VR3_MIGRATE_ON_START: envBool,
  VR3_ALLOW_INSECURE_PROVIDER_URLS: envBool,
  VR3_EDGE_LOST_AFTER_MS: envInt('VR3_EDGE_LOST_AFTER_MS', 100),
  VR3_REAPER_INTERVAL_MS: envInt('VR3_REAPER_INTERVAL_MS', 50),
  VR3_INITIALIZED_RUN_TIMEOUT_MS: envInt('VR3_INITIALIZED_RUN_TIMEOUT_MS', 1000),
  VR3_OUTBOUND_STREAM_TOKEN_TTL_MS: envInt('VR3_OUTBOUND_STREAM_TOKEN_TTL_MS', 1000),
  VR3_PROVIDER_TIMEOUT_MS: envInt('VR3_PROVIDER_TIMEOUT_MS', 100),
  VR3_EDGE_CONTROL_TIMEOUT_MS: envInt('VR3_EDGE_CONTROL_TIMEOUT_MS', 50),
  VR3_SHUTDOWN_TIMEOUT_MS: envInt('VR3_SHUTDOWN_TIMEOUT_MS', 0),
  VR3_MAX_PENDING_ADMISSIONS: envInt('VR3_MAX_PENDING_ADMISSIONS', 1),
  VR3_TRANSACTION_MAX_WAIT_MS: envInt('VR3_TRANSACTION_MAX_WAIT_MS', 10),
  VR3_DB_POOL_SIZE: envInt('VR3_DB_POOL_SIZE', 2),
  VR3_JOB_CONCURRENCY: envInt('VR3_JOB_CONCURRENCY', 1),
  ...HTTP_SERVER_ENV,
  ...METRICS_ACCESS_ENV,
  ...TLS_ENV,
  ...PUBLIC_URL_ENV,
  ...SIGN_IN_ENV,
  ...WEBHOOK_ENV,
  ...RECORDINGS_ENV,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
});

/** Parsed configuration of a control-plane replica. */
export interface ControlPlaneEnv {
  databaseUrl: string;
  natsServers: string[];
  redisUrl: string;
  secretKey: string;
  port: number;
  host: string;
  instanceId: string;
  bootstrapApiKey: string | undefined;
  migrateOnStart: boolean;
  allowInsecureProviderUrls: boolean;
  edgeLostAfterMs: number;
  reaperIntervalMs: number;
  initializedRunTimeoutMs: number;
  /** VR3_OUTBOUND_STREAM_TOKEN_TTL_MS: how long a placed call's (or attached stream's) stream token stays valid; `undefined`: the default (2 minutes). */
  outboundStreamTokenTtlMs: number | undefined;
  providerTimeoutMs: number;
  edgeControlTimeoutMs: number;
  shutdownTimeoutMs: number;
  maxPendingAdmissions: number;
  transactionMaxWaitMs: number;
  dbPoolSize: number;
  jobConcurrency: number;
  /** The HTTP server's limits, in milliseconds and connections. */
  http: HttpServerLimits;
  /** Who may read `/metrics`: bearer token, public, or nobody (neither configured). */
  metrics: MetricsAccess;
  /** The certificate and key files to serve https from, or null: plain http. */
  tls: TlsFiles | null;
  /** VR3_PUBLIC_URL: the base URL providers reach the product at, or null. */
  publicUrl: string | null;
  /** VR3_BOOTSTRAP_PASSWORD, VR3_BOOTSTRAP_EMAIL, VR3_SESSION_IDLE_TIMEOUT_MS, VR3_SESSION_MAX_AGE_MS (`app/sign-in-env.ts`). */
  signIn: SignInSettings;
  /** VR3_WEBHOOK_ATTEMPTS, VR3_WEBHOOK_BACKOFF_MS, VR3_WEBHOOK_MAX_BACKOFF_MS, VR3_WEBHOOK_TIMEOUT_MS (`app/webhook-env.ts`). */
  webhooks: WebhookSettings;
  /** VR3_RECORDINGS_*: where call recordings are stored (the bucket, or VR3_RECORDINGS_DIR) and how long they are kept. */
  recordings: RecordingsSettings;
  logLevel: string;
}

/** Parses the environment once at boot; throws {@link ConfigError} naming the bad variable. */
export function loadControlPlaneEnv(env: NodeJS.ProcessEnv = process.env): ControlPlaneEnv {
  const e = parseEnv(EnvSchema, env);
  const d = CONTROL_PLANE_DEFAULTS;
  const http = httpServerLimits(e, d.http);
  const metrics = metricsAccess(e);
  const tls = tlsFiles(e) ?? d.tls;
  return {
    databaseUrl: e.DATABASE_URL,
    natsServers: e.NATS_URL.split(',').map((u) => u.trim()),
    redisUrl: e.REDIS_URL,
    secretKey: e.VR3_SECRET_KEY,
    port: e.PORT ?? d.port,
    host: e.HOST ?? d.host,
    instanceId: e.VR3_INSTANCE_ID ?? `${os.hostname().replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 40)}-${process.pid}`,
    bootstrapApiKey: e.VR3_BOOTSTRAP_API_KEY,
    migrateOnStart: e.VR3_MIGRATE_ON_START,
    allowInsecureProviderUrls: e.VR3_ALLOW_INSECURE_PROVIDER_URLS,
    edgeLostAfterMs: e.VR3_EDGE_LOST_AFTER_MS ?? d.edgeLostAfterMs,
    reaperIntervalMs: e.VR3_REAPER_INTERVAL_MS ?? d.reaperIntervalMs,
    initializedRunTimeoutMs: e.VR3_INITIALIZED_RUN_TIMEOUT_MS ?? d.initializedRunTimeoutMs,
    outboundStreamTokenTtlMs: e.VR3_OUTBOUND_STREAM_TOKEN_TTL_MS,
    providerTimeoutMs: e.VR3_PROVIDER_TIMEOUT_MS ?? d.providerTimeoutMs,
    edgeControlTimeoutMs: e.VR3_EDGE_CONTROL_TIMEOUT_MS ?? d.edgeControlTimeoutMs,
    shutdownTimeoutMs: e.VR3_SHUTDOWN_TIMEOUT_MS ?? d.shutdownTimeoutMs,
    maxPendingAdmissions: e.VR3_MAX_PENDING_ADMISSIONS ?? d.maxPendingAdmissions,
    transactionMaxWaitMs: e.VR3_TRANSACTION_MAX_WAIT_MS ?? d.transactionMaxWaitMs,
    dbPoolSize: e.VR3_DB_POOL_SIZE ?? d.dbPoolSize,
    jobConcurrency: e.VR3_JOB_CONCURRENCY ?? d.jobConcurrency,
    http,
    metrics,
    tls,
    publicUrl: e.VR3_PUBLIC_URL ?? d.publicUrl,
    signIn: signInSettings(e),
    webhooks: webhookSettings(e),
    recordings: recordingsSettings(e, { dir: null, spoolDir: null }),
    logLevel: e.LOG_LEVEL ?? d.logLevel,
  };
}
