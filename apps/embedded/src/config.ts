import path from 'node:path';
import { z } from 'zod';
import { ConfigError, derivedPublicUrl, envBool, envInt, parseEnv } from '@vr3/env';
import { SIGN_IN_ENV, signInSettings, WEBHOOK_ENV, webhookSettings, type SignInSettings, type WebhookSettings } from '@vr3/control-plane';
import { RECORDINGS_ENV, recordingsSettings, type RecordingsSettings } from '@vr3/recordings';
import { DEFAULT_ACCEPT_HANDLES, DEFAULT_HTTP_LIMITS, DEFAULT_MEDIA_EDGE_CONFIG, EDGE_ENDPOINT_ENV, edgeEndpointSettings, type EdgeEndpointSettings } from '@vr3/media-edge';

export { ConfigError };

/** Defaults of the embedded product, each overridable by the environment variable named beside it. */
export const EMBEDDED_DEFAULTS = {
  /** PORT: HTTP + WebSocket port. 0 picks a free one (printed in the `listening` log line). */
  port: 8080,
  /** HOST: interface to bind. */
  host: '0.0.0.0',
  /** VR3_DATA_DIR: database files, generated secret key and the process lock. */
  dataDir: './.vr3',
  /** VR3_HANDSHAKE_TIMEOUT_MS: deadline for `connected`/`start` after the socket opens. */
  handshakeTimeoutMs: 10_000,
  /** VR3_DRAIN_TIMEOUT_MS: how long live calls may run on after SIGTERM before they are ended. */
  drainTimeoutMs: 30_000,
  /** VR3_PROVIDER_TIMEOUT_MS: timeout of one provider REST call (session validation, hangup). */
  providerTimeoutMs: 5_000,
  /**
   * Not a variable: the edge's `RunStart` wait is VR3_PROVIDER_TIMEOUT_MS plus this (database work
   * around the validation), so a provider slower than its timeout ends 4400, never 1011.
   */
  runStartMarginMs: 3_000,
  /**
   * VR3_INITIALIZED_RUN_TIMEOUT_MS: a run still `initialized` this long after admission is ended
   * failed/handshake_timeout by the reaper. Default: VR3_HANDSHAKE_TIMEOUT_MS + the `RunStart`
   * wait + this margin; a value at or below handshake + `RunStart` wait is refused.
   */
  initializedRunMarginMs: 10_000,
  /** VR3_REAPER_INTERVAL_MS: period of the stale-run reaper. */
  reaperIntervalMs: 5_000,
  /**
   * VR3_MAX_PENDING_HANDSHAKES_PER_ADDRESS: sockets from one source address still before their
   * provider `start` (the media-edge's default); a further one closes 1013 before admission.
   */
  maxPendingHandshakesPerAddress: 128,
  /**
   * VR3_DB_POOL_SIZE: database connections of the process (plus 2 for quota slot statements), all
   * opened at start and kept open. 15: at 200 admissions a second on two cores, 15 and 30 both
   * kept the handshake p99 under 0.5 s, 15 a little lower (client p99 162 and 396 ms against
   * 246–509 ms); more connections are more PostgreSQL backends sharing the same cores.
   */
  dbPoolSize: 15,
  /** VR3_MAX_PENDING_ADMISSIONS: admissions awaiting their answer (the media-edge's default); a further stream closes 1013. */
  maxPendingAdmissions: 256,
  /** VR3_ACCEPT_HANDLES: extra accept handles on the listening socket (the media-edge's default; 0: the server's own only). */
  acceptHandles: DEFAULT_ACCEPT_HANDLES,
  /** VR3_CONNECTIONS_PER_SECOND_PER_ADDRESS: new connections per second from one source address, sustained (the media-edge's default); beyond it 1013. */
  connectionsPerSecondPerAddress: DEFAULT_MEDIA_EDGE_CONFIG.connectionsPerSecondPerAddress,
  /** VR3_CONNECTION_BURST_PER_ADDRESS: new connections from one source address at once (the media-edge's default). */
  connectionBurstPerAddress: DEFAULT_MEDIA_EDGE_CONFIG.connectionBurstPerAddress,
  /** VR3_MAX_INBOUND_FRAMES_PER_SECOND: frames per second one call may send, sustained; beyond it the stream is cut off (1008). */
  maxInboundFramesPerSecond: DEFAULT_MEDIA_EDGE_CONFIG.maxInboundFramesPerSecond,
  /** VR3_INBOUND_FRAME_BURST: frames one call may send at once above that rate. */
  inboundFrameBurst: DEFAULT_MEDIA_EDGE_CONFIG.inboundFrameBurst,
  /**
   * VR3_HTTP_HEADERS_TIMEOUT_MS (10 s), VR3_HTTP_REQUEST_TIMEOUT_MS (30 s),
   * VR3_HTTP_KEEP_ALIVE_TIMEOUT_MS (5 s), VR3_MAX_CONNECTIONS (5000): the HTTP server's limits.
   */
  httpLimits: DEFAULT_HTTP_LIMITS,
  /**
   * VR3_PUBLIC_URL: the base URL providers reach the product at (`wss://host`), used for every URL
   * given to a provider (stream and answer URLs) and to check Twilio's upgrade signatures. Unset:
   * derived from HOST, the port bound and TLS ({@link publicBaseUrlOf}), and signatures are not checked.
   */
  publicUrl: null as string | null,
  /** LOG_LEVEL: pino level. */
  logLevel: 'info',
} as const;

const EnvSchema = z.object({
  PORT: envInt('PORT', 0),
  HOST: z.string().min(1).optional(),
  VR3_DATA_DIR: z.string().min(1).optional(),
  DATABASE_URL: z.string().url().optional(),
  VR3_SECRET_KEY: z.string().min(1).optional(),
  VR3_BOOTSTRAP_API_KEY: z.string().min(16, 'VR3_BOOTSTRAP_API_KEY must be at least 16 characters').optional(),
  VR3_ALLOW_INSECURE_PROVIDER_URLS: envBool,
  VR3_HANDSHAKE_TIMEOUT_MS: envInt('VR3_HANDSHAKE_TIMEOUT_MS', 100),
  VR3_DRAIN_TIMEOUT_MS: envInt('VR3_DRAIN_TIMEOUT_MS', 0),
  VR3_PROVIDER_TIMEOUT_MS: envInt('VR3_PROVIDER_TIMEOUT_MS', 100),
  VR3_INITIALIZED_RUN_TIMEOUT_MS: envInt('VR3_INITIALIZED_RUN_TIMEOUT_MS', 1_000),
  VR3_OUTBOUND_STREAM_TOKEN_TTL_MS: envInt('VR3_OUTBOUND_STREAM_TOKEN_TTL_MS', 1_000),
  VR3_REAPER_INTERVAL_MS: envInt('VR3_REAPER_INTERVAL_MS', 50),
  VR3_DB_POOL_SIZE: envInt('VR3_DB_POOL_SIZE', 2),
  ...EDGE_ENDPOINT_ENV,
  ...SIGN_IN_ENV,
  ...RECORDINGS_ENV,
  ...WEBHOOK_ENV,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
});

/** Parsed configuration of the embedded product: its own settings and the public endpoint's (the media-edge's variables). */
export interface EmbeddedConfig extends EdgeEndpointSettings {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  secretKey: string | undefined;
  bootstrapApiKey: string | undefined;
  /** VR3_BOOTSTRAP_PASSWORD, VR3_BOOTSTRAP_EMAIL, VR3_SESSION_IDLE_TIMEOUT_MS, VR3_SESSION_MAX_AGE_MS (see `SIGN_IN_ENV`). */
  signIn: SignInSettings;
  /** VR3_WEBHOOK_ATTEMPTS, VR3_WEBHOOK_BACKOFF_MS, VR3_WEBHOOK_MAX_BACKOFF_MS, VR3_WEBHOOK_TIMEOUT_MS (see `WEBHOOK_ENV`). */
  webhooks: WebhookSettings;
  allowInsecureProviderUrls: boolean;
  handshakeTimeoutMs: number;
  drainTimeoutMs: number;
  providerTimeoutMs: number;
  /** The edge's `RunStart` timeout: `providerTimeoutMs` + `runStartMarginMs`. */
  runStartTimeoutMs: number;
  /** Longest a run may stay `initialized` before the reaper ends it; above handshake + `RunStart` wait. */
  initializedRunTimeoutMs: number;
  /** VR3_OUTBOUND_STREAM_TOKEN_TTL_MS: how long a placed call's stream token stays valid; `undefined`: the control-plane's default. */
  outboundStreamTokenTtlMs: number | undefined;
  reaperIntervalMs: number;
  dbPoolSize: number;
  /**
   * VR3_RECORDINGS_*: call recordings are stored under `{VR3_DATA_DIR}/recordings` (or VR3_RECORDINGS_DIR,
   * or an S3 bucket), written to `{VR3_DATA_DIR}/recordings-spool` while calls run.
   */
  recordings: RecordingsSettings;
  logLevel: string;
}

/** Parses the environment once at boot; throws {@link ConfigError} naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): EmbeddedConfig {
  const e = parseEnv(EnvSchema, env);
  const d = EMBEDDED_DEFAULTS;
  const endpoint = edgeEndpointSettings(e, d);
  const handshakeTimeoutMs = e.VR3_HANDSHAKE_TIMEOUT_MS ?? d.handshakeTimeoutMs;
  const providerTimeoutMs = e.VR3_PROVIDER_TIMEOUT_MS ?? d.providerTimeoutMs;
  const runStartTimeoutMs = providerTimeoutMs + d.runStartMarginMs;
  // A run is legitimately `initialized` until `start` (handshake deadline) and its `RunStart` answer.
  const initializedFloorMs = handshakeTimeoutMs + runStartTimeoutMs;
  if (e.VR3_INITIALIZED_RUN_TIMEOUT_MS !== undefined && e.VR3_INITIALIZED_RUN_TIMEOUT_MS <= initializedFloorMs) {
    throw new ConfigError(
      `invalid environment: VR3_INITIALIZED_RUN_TIMEOUT_MS: must exceed VR3_HANDSHAKE_TIMEOUT_MS + VR3_PROVIDER_TIMEOUT_MS + ${d.runStartMarginMs} (${initializedFloorMs} ms)`,
    );
  }
  const dataDir = path.resolve(e.VR3_DATA_DIR ?? EMBEDDED_DEFAULTS.dataDir);
  return {
    port: e.PORT ?? EMBEDDED_DEFAULTS.port,
    host: e.HOST ?? EMBEDDED_DEFAULTS.host,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    secretKey: e.VR3_SECRET_KEY,
    bootstrapApiKey: e.VR3_BOOTSTRAP_API_KEY,
    signIn: signInSettings(e),
    webhooks: webhookSettings(e),
    allowInsecureProviderUrls: e.VR3_ALLOW_INSECURE_PROVIDER_URLS,
    handshakeTimeoutMs,
    drainTimeoutMs: e.VR3_DRAIN_TIMEOUT_MS ?? EMBEDDED_DEFAULTS.drainTimeoutMs,
    providerTimeoutMs,
    runStartTimeoutMs,
    initializedRunTimeoutMs: e.VR3_INITIALIZED_RUN_TIMEOUT_MS ?? initializedFloorMs + d.initializedRunMarginMs,
    outboundStreamTokenTtlMs: e.VR3_OUTBOUND_STREAM_TOKEN_TTL_MS,
    reaperIntervalMs: e.VR3_REAPER_INTERVAL_MS ?? d.reaperIntervalMs,
    dbPoolSize: e.VR3_DB_POOL_SIZE ?? d.dbPoolSize,
    ...endpoint,
    recordings: recordingsSettings(e, { dir: path.join(dataDir, 'recordings'), spoolDir: path.join(dataDir, 'recordings-spool') }),
    logLevel: e.LOG_LEVEL ?? EMBEDDED_DEFAULTS.logLevel,
  };
}

/**
 * The base URL the product gives providers: `VR3_PUBLIC_URL` when set, else derived from where it
 * listens: `ws://{HOST}:{port}` (`wss://` when it serves TLS; a wildcard HOST such as `0.0.0.0` reads
 * as `localhost`). `boundPort` is the port actually bound (PORT=0 picks one at listen time).
 * Only an explicit `VR3_PUBLIC_URL` turns on the Twilio signature check ({@link EmbeddedConfig.publicUrl}).
 */
export function publicBaseUrlOf(config: Pick<EmbeddedConfig, 'publicUrl' | 'host' | 'tls'>, boundPort: number): string {
  return config.publicUrl ?? derivedPublicUrl({ host: config.host, port: boundPort, tls: config.tls !== null });
}
