import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { metricsHandler, migrateDatabase, parseSecretKey, recordingsConfig, serviceRoot } from '@vr3/control-plane';
import { openRecordingStore } from '@vr3/recordings';
import { addAcceptHandles, createLimitedHttpServer, createMediaEdge, createProductEngines } from '@vr3/media-edge';
import { forwardToSocket } from './api-proxy.ts';
import { startControlPlaneThread } from './control-plane-thread/thread.ts';
import { joinedMetrics } from './joined-metrics.ts';
import { runAll } from './run-all.ts';
import { publicBaseUrlOf, type EmbeddedConfig } from './config.ts';
import { lockDataDir, readOrCreateSecret } from './data-dir.ts';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './database.ts';

/** Path prefix of the Agent Stream WebSocket endpoint. */
export const AGENT_STREAM_PATH = '/api/v1/agent-stream/';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));

/** A running embedded product. */
export interface Product {
  port: number;
  /**
   * The admin API key minted on this start (no usable key existed and VR3_BOOTSTRAP_API_KEY is unset),
   * else undefined. It was handed to {@link StartOptions.onApiKeyCreated} before it was stored.
   */
  createdApiKey: string | undefined;
  /**
   * Graceful stop: refuse new streams, let live calls run up to the drain timeout, end the rest
   * (`edge_shutdown`) and finalize every run, then stop the control-plane and, last, the database.
   * Idempotent: a later call returns the same promise, and one with a shorter `drainTimeoutMs`
   * (0: end live calls now) cuts a drain in progress short.
   */
  close(options?: { drainTimeoutMs?: number }): Promise<void>;
}

/** Options of {@link startProduct}. */
export interface StartOptions {
  /** Aborting it stops start-up at its next step and undoes what was started (database included). */
  signal?: AbortSignal;
  /**
   * Shows a minted admin API key (print it: it is stored hashed). Called once the product listens,
   * as start-up's last step, and the key is stored only after it returned: a start that fails
   * earlier (port taken, database error) stores no key, so the next start mints and shows one.
   */
  onApiKeyCreated?: (key: string) => void;
  /**
   * Shows the bootstrap admin's generated sign-in password (print it), like {@link onApiKeyCreated}:
   * generated on a start that finds that admin without a password and VR3_BOOTSTRAP_PASSWORD unset,
   * stored hashed only after this returned.
   */
  onPasswordCreated?: (credentials: { email: string; password: string }) => void;
  /** The control-plane thread died after start-up: the product cannot admit calls; stop it. */
  onFailure?: (err: Error) => void;
}

/**
 * Starts the embedded default: one process, one port, the media-edge on the main thread and the
 * control-plane on a worker thread, wired by the port bus, a real PostgreSQL database under the data
 * dir (unless DATABASE_URL is given).
 */
export async function startProduct(config: EmbeddedConfig, logger: Logger, options: StartOptions = {}): Promise<Product> {
  const cleanup: Array<() => unknown> = [];
  const undo = () => runAll(cleanup.reverse(), logger);
  const checkpoint = () => options.signal?.throwIfAborted();
  try {
    cleanup.push(lockDataDir(config.dataDir));

    let db: EmbeddedDatabase | undefined;
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      db = await startEmbeddedDatabase(config.dataDir, logger);
      cleanup.push(() => db?.stop());
      databaseUrl = db.url;
      checkpoint();
    }
    await migrateDatabase(databaseUrl, { migrationsDir: MIGRATIONS_DIR });
    checkpoint();

    const secretKey = parseSecretKey(config.secretKey ?? readOrCreateSecret(config.dataDir, 'secret.key', 32));

    // The control-plane runs on its own thread: its database, provider and API work never delays
    // the media of live calls, and a burst of admissions uses the second core.
    const controlPlane = await startControlPlaneThread({
      dataDir: config.dataDir,
      databaseUrl,
      dbPoolSize: config.dbPoolSize,
      secretKey,
      logLevel: config.logLevel,
      config: {
        allowInsecureProviderUrls: config.allowInsecureProviderUrls,
        providerTimeoutMs: config.providerTimeoutMs,
        initializedRunTimeoutMs: config.initializedRunTimeoutMs,
        ...(config.outboundStreamTokenTtlMs === undefined ? {} : { outboundStreamTokenTtlMs: config.outboundStreamTokenTtlMs }),
        reaperIntervalMs: config.reaperIntervalMs,
        // The edge and the control-plane see the same admissions here: one bound for both.
        maxPendingAdmissions: config.maxPendingAdmissions,
        ...recordingsConfig(config.recordings),
        ...(config.signIn.sessionIdleTimeoutMs === undefined ? {} : { sessionIdleTimeoutMs: config.signIn.sessionIdleTimeoutMs }),
        ...(config.signIn.sessionMaxAgeMs === undefined ? {} : { sessionMaxAgeMs: config.signIn.sessionMaxAgeMs }),
        ...config.webhooks,
      },
      logger,
      onFailure: (err) => options.onFailure?.(err),
    });
    cleanup.push(() => controlPlane.close());
    checkpoint();

    const metrics = new Registry();
    collectDefaultMetrics({ register: metrics });

    const edge = createMediaEdge({
      bus: controlPlane.bus,
      logger: logger.child({ component: 'media-edge' }),
      edgeId: `embedded-${process.pid}`,
      config: {
        handshakeTimeoutMs: config.handshakeTimeoutMs,
        runStartTimeoutMs: config.runStartTimeoutMs,
        maxPendingHandshakesPerAddress: config.maxPendingHandshakesPerAddress,
        maxPendingAdmissions: config.maxPendingAdmissions,
        connectionsPerSecondPerAddress: config.connectionsPerSecondPerAddress,
        connectionBurstPerAddress: config.connectionBurstPerAddress,
        maxInboundFramesPerSecond: config.maxInboundFramesPerSecond,
        inboundFrameBurst: config.inboundFrameBurst,
        publicUrl: config.publicUrl,
      },
      metrics,
      // Every engine the product runs (echo, bridge, voice, realtime): the same list as `npm run start:media-edge`.
      engines: createProductEngines({ vendorTimeoutMs: config.vendorTimeoutMs }),
      // Recorded calls: written under the data dir while they run, then stored (recordings dir or bucket).
      ...(config.recordings.storage && config.recordings.spoolDir
        ? { recordings: { store: openRecordingStore(config.recordings.storage), spoolDir: config.recordings.spoolDir } }
        : {}),
    });
    let draining = false;
    let drainTimeoutMs = config.drainTimeoutMs;
    cleanup.push(() => {
      draining = true;
      return edge.close({ drainTimeoutMs });
    });

    const app = express();
    app.disable('x-powered-by');
    app.get('/healthz', (_req, res) => {
      res.json({ status: 'ok' });
    });
    app.get('/readyz', (_req, res) => {
      res.status(draining ? 503 : 200).json({ status: draining ? 'draining' : 'ready' });
    });
    // VR3_METRICS_TOKEN (or VR3_METRICS_PUBLIC=true); with neither, 401 for everyone.
    app.get('/metrics', metricsHandler(joinedMetrics(metrics, controlPlane.metrics), config.metrics));
    if (config.metrics.kind === 'closed') logger.warn('/metrics answers 401: set VR3_METRICS_TOKEN (or VR3_METRICS_PUBLIC=true) to scrape it');
    app.use('/api/v1', forwardToSocket(controlPlane.apiSocket, logger));
    // `GET /` says what answers here; any other path gets the API's JSON 404.
    app.use(serviceRoot('embedded'));

    // Request timeouts and a connection cap (VR3_HTTP_*, VR3_MAX_CONNECTIONS): half-sent requests do not pile up.
    const server = createLimitedHttpServer(config.httpLimits, app, config.tls && { files: config.tls, logger });
    server.on('upgrade', (req, socket, head) => {
      const path = (req.url ?? '').split('?', 1)[0] ?? '';
      if (path.startsWith(AGENT_STREAM_PATH)) {
        edge.handleUpgrade(req, socket, head);
        return;
      }
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
    const accept = await addAcceptHandles(server, config.acceptHandles);
    // Edge drain runs before the server stops listening, so in-flight calls keep their sockets.
    cleanup.splice(cleanup.length - 1, 0, () => {
      accept.close();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });
    cleanup.push(() => {
      server.closeIdleConnections();
    });
    const port = (server.address() as AddressInfo).port;
    // Answer and stream URLs are built on it: VR3_PUBLIC_URL, else derived from where the product listens.
    const publicUrl = publicBaseUrlOf(config, port);
    await controlPlane.setPublicUrl(publicUrl);
    // Last: only a product that started stores (and shows) a minted admin key.
    const createdApiKey = await controlPlane.bootstrap({
      ...(config.bootstrapApiKey ? { apiKey: config.bootstrapApiKey } : {}),
      ...(options.onApiKeyCreated ? { reveal: options.onApiKeyCreated } : {}),
      ...(config.signIn.bootstrapPassword ? { adminPassword: config.signIn.bootstrapPassword } : {}),
      ...(config.signIn.bootstrapEmail ? { adminEmail: config.signIn.bootstrapEmail } : {}),
      ...(options.onPasswordCreated ? { revealPassword: options.onPasswordCreated } : {}),
    });
    logger.info({ port, host: config.host, tls: config.tls !== null, public_url: publicUrl, embedded_database: db !== undefined }, 'listening');

    let closing: Promise<void> | undefined;
    return {
      port,
      createdApiKey,
      close: (closeOptions = {}) => {
        if (closeOptions.drainTimeoutMs !== undefined && closeOptions.drainTimeoutMs < drainTimeoutMs) {
          drainTimeoutMs = closeOptions.drainTimeoutMs;
          // A drain in progress ends sooner; one not started yet uses the new timeout.
          if (draining) void edge.close({ drainTimeoutMs });
        }
        return (closing ??= undo());
      },
    };
  } catch (err) {
    await undo().catch(() => undefined);
    throw err;
  }
}
