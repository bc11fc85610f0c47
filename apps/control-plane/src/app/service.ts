import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { Redis } from 'ioredis';
import { connect, type NatsConnection } from 'nats';
import pg from 'pg';
import type { EngineCatalog } from '@vr3/agent';
import { hostOf, httpServerOptions, httpsServerOptions, isConnectionFailure, readTlsCredentials, reloadServerTls, untilAvailable } from '@vr3/env';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createNatsBus, watchConnection } from '@vr3/nats-bus';
import { RunState } from '@vr3/protocol';
import { createControlPlane } from '../control-plane.ts';
import { parseSecretKey } from '../crypto/secrets.ts';
import { ensureBootstrap } from '../db/bootstrap.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { createPrisma } from '../db/prisma.ts';
import { createBullJobQueue } from '../jobs/bullmq.ts';
import { createControlPlaneMetrics, instrumentBus, instrumentProviderClients, metricsHandler, registerStateGauges } from '../metrics.ts';
import { serviceRoot } from '../http/root.ts';
import { defaultProviderClients } from '../providers/registry.ts';
import { ConfigError, type ControlPlaneEnv } from './env.ts';
import { recordingsConfig } from '../recordings/config.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../../../prisma/migrations', import.meta.url));

/** SQLSTATE 57P03 `cannot_connect_now`: the server is starting up or shutting down. */
const PG_CANNOT_CONNECT_NOW = '57P03';
/** SQLSTATE 3D000: no such database yet (`turbo dev` creates it right after the server starts). */
const PG_INVALID_CATALOG_NAME = '3D000';

/** Opens and closes one connection: resolves once PostgreSQL accepts connections to the database. */
async function probeDatabase(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined); // a failed connect rejects connect() below
  try {
    await client.connect();
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The first connect to NATS failed because no server answered (not: refused credentials). */
const isNatsUnreachable = (err: unknown): boolean => (err as { code?: unknown }).code === 'CONNECTION_REFUSED' || isConnectionFailure(err);

/** Options of {@link startControlPlaneService}. */
export interface ControlPlaneServiceOptions {
  /**
   * Shows a minted admin API key (print it: it is stored hashed). Called once the replica listens,
   * as start-up's last step, and the key is stored only after it returned: a start that fails
   * earlier (port taken, database credentials refused) stores no key, so the next start mints and
   * shows one. Without it a minted key is only in {@link ControlPlaneService.createdApiKey}.
   */
  onApiKeyCreated?: (key: string) => void | Promise<void>;
  /**
   * Shows the bootstrap admin's generated sign-in password (print it), like `onApiKeyCreated`: a
   * first start without VR3_BOOTSTRAP_PASSWORD generates one, stored hashed once this returned.
   */
  onPasswordCreated?: (credentials: { email: string; password: string }) => void | Promise<void>;
}

/** A running control-plane replica. */
export interface ControlPlaneService {
  port: number;
  /** The API key minted on this start (no key existed and none was configured), else undefined. */
  createdApiKey: string | undefined;
  /** Graceful stop: not ready, finish in-flight HTTP requests, bus requests and jobs, disconnect. Idempotent. */
  close(): Promise<void>;
}

/** Runs every step even if one fails; logs failures. */
async function runAll(steps: Array<() => unknown>, logger: Logger): Promise<void> {
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      logger.error({ err }, 'shutdown step failed');
    }
  }
}

/** Resolves with `promise`, or after `ms` with `undefined`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Starts one control-plane replica of the distributed topology: PostgreSQL through Prisma
 * (optionally migrating it first), NATS for the bus (queue group `control-plane`), Redis/BullMQ
 * behind the PostgreSQL outbox for jobs, edge liveness and the stale-run reaper, and the REST API
 * with /healthz, /readyz and /metrics on one port. `engines`: the specs of every engine the
 * media-edges run (`main.ts` registers them).
 */
export async function startControlPlaneService(
  env: ControlPlaneEnv,
  logger: Logger,
  engines: EngineCatalog,
  options: ControlPlaneServiceOptions = {},
): Promise<ControlPlaneService> {
  let secretKey: Buffer;
  try {
    secretKey = parseSecretKey(env.secretKey);
  } catch (err) {
    throw new ConfigError('invalid environment: VR3_SECRET_KEY: must be 32 bytes given as hex or base64', { cause: err });
  }
  const cleanup: Array<() => unknown> = [];
  const undo = () => runAll([...cleanup].reverse(), logger);
  try {
    // PostgreSQL and NATS may still be starting (`turbo dev`, a whole stack coming up): wait for
    // each, saying so in the log; a failure waiting cannot cure (refused credentials) ends the start.
    await untilAvailable(() => probeDatabase(env.databaseUrl), {
      dependency: 'postgresql',
      target: hostOf(env.databaseUrl),
      logger,
      retryable: (err) => isConnectionFailure(err, [PG_CANNOT_CONNECT_NOW, PG_INVALID_CATALOG_NAME]),
    });
    if (env.migrateOnStart) {
      const result = await migrateDatabase(env.databaseUrl, { migrationsDir: MIGRATIONS_DIR });
      logger.info({ applied: result.applied }, 'database migrated');
    }
    // A fixed-size pool: opened whole by the warm-up, never shrunk by the idle timeout.
    const prisma = createPrisma(env.databaseUrl, { maxConnections: env.dbPoolSize, minConnections: env.dbPoolSize });
    cleanup.push(() => prisma.$disconnect());

    const nc: NatsConnection = await untilAvailable(
      () =>
        connect({
          servers: env.natsServers,
          name: `vr3-control-plane/${env.instanceId}`,
          maxReconnectAttempts: -1,
          reconnectTimeWait: 250,
          pingInterval: 10_000,
          maxPingOut: 3,
        }),
      { dependency: 'nats', target: env.natsServers.map(hostOf).join(','), logger, retryable: isNatsUnreachable },
    );
    cleanup.push(() => (nc.isClosed() ? undefined : nc.drain()));
    const nats = watchConnection(nc, { logger });
    cleanup.push(() => nats.stop());

    const queueConnection = new Redis(env.redisUrl, { maxRetriesPerRequest: 1, connectionName: `vr3-cp-${env.instanceId}` });
    const workerConnection = new Redis(env.redisUrl, { maxRetriesPerRequest: null, connectionName: `vr3-cp-worker-${env.instanceId}` });
    for (const c of [queueConnection, workerConnection]) c.on('error', () => undefined); // reported by the job queue, rate-limited
    cleanup.push(() => {
      queueConnection.disconnect();
      workerConnection.disconnect();
    });

    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const metrics = createControlPlaneMetrics(registry);
    const bus = instrumentBus(createNatsBus(nc, { logger }), metrics);
    cleanup.push(() => bus.close());
    const jobs = createBullJobQueue({ prisma, connection: queueConnection, workerConnection, logger, concurrency: env.jobConcurrency });
    cleanup.push(() => within(jobs.close(), env.shutdownTimeoutMs));
    registerStateGauges(metrics, {
      activeRuns: () => prisma.workflowRun.count({ where: { state: { in: [RunState.Initialized, RunState.Running] } } }),
      queueDepths: async () => ({ ...(await jobs.depths()) }),
    });

    const controlPlane = createControlPlane({
      prisma,
      bus,
      jobs,
      logger,
      secretKey,
      engines,
      providerClients: instrumentProviderClients(defaultProviderClients, metrics),
      edgeLiveness: { observedSince: () => (nats.connected ? nats.since : Date.now()) },
      config: {
        allowInsecureProviderUrls: env.allowInsecureProviderUrls,
        providerTimeoutMs: env.providerTimeoutMs,
        edgeControlTimeoutMs: env.edgeControlTimeoutMs,
        edgeLostAfterMs: env.edgeLostAfterMs,
        reaperIntervalMs: env.reaperIntervalMs,
        initializedRunTimeoutMs: env.initializedRunTimeoutMs,
        ...(env.outboundStreamTokenTtlMs === undefined ? {} : { outboundStreamTokenTtlMs: env.outboundStreamTokenTtlMs }),
        maxPendingAdmissions: env.maxPendingAdmissions,
        transactionMaxWaitMs: env.transactionMaxWaitMs,
        publicUrl: env.publicUrl,
        sessionIdleTimeoutMs: env.signIn.sessionIdleTimeoutMs,
        sessionMaxAgeMs: env.signIn.sessionMaxAgeMs,
        ...env.webhooks,
        ...recordingsConfig(env.recordings),
      },
      metrics: registry,
    });
    await controlPlane.start();
    cleanup.push(() => within(controlPlane.close(), env.shutdownTimeoutMs));

    let stopping = false;
    const app = express();
    app.disable('x-powered-by');
    app.get('/healthz', (_req, res) => {
      res.json({ status: 'ok' });
    });
    app.get('/readyz', async (_req, res) => {
      const database = await within(
        prisma.$queryRaw`SELECT 1`.then(
          () => true,
          () => false,
        ),
        1_000,
      );
      const checks = { nats: nats.connected, database: database === true, redis: queueConnection.status === 'ready' };
      // Redis is not required: jobs wait in the outbox while it is away.
      const ready = !stopping && checks.nats && checks.database;
      res.status(ready ? 200 : 503).json({ status: stopping ? 'stopping' : ready ? 'ready' : 'unavailable', checks });
    });
    // VR3_METRICS_TOKEN (or VR3_METRICS_PUBLIC=true); with neither, 401 for everyone.
    app.get('/metrics', metricsHandler(registry, env.metrics));
    if (env.metrics.kind === 'closed') logger.warn('/metrics answers 401: set VR3_METRICS_TOKEN (or VR3_METRICS_PUBLIC=true) to scrape it');
    app.use('/api/v1', controlPlane.router);
    // GET / says what this is; any other path no route took is a JSON 404.
    app.use(serviceRoot('control-plane'));

    // Request timeouts and a connection cap (VR3_HTTP_*, VR3_MAX_CONNECTIONS); Node checks the
    // timeouts every second rather than every 30 s. With VR3_TLS_CERT_FILE/VR3_TLS_KEY_FILE: https,
    // the pair reloaded on SIGHUP and on change (a bad new pair is logged, the one in use stays).
    let server: http.Server;
    if (env.tls) {
      const credentials = readTlsCredentials(env.tls);
      const secure = https.createServer(httpsServerOptions(env.http, credentials), app);
      reloadServerTls(secure, env.tls, credentials, { logger, signals: process });
      logger.info({ tls_fingerprint256: credentials.fingerprint256, tls_valid_to: credentials.validTo }, 'tls certificate loaded');
      server = secure;
    } else {
      server = http.createServer(httpServerOptions(env.http), app);
    }
    server.maxConnections = env.http.maxConnections;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(env.port, env.host, () => resolve());
    });
    // In-flight HTTP requests (which may use the bus and the queue) finish before those close.
    cleanup.push(async () => {
      stopping = true;
      controlPlane.endStreams();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if ((await within(closed.then(() => true), env.shutdownTimeoutMs)) === undefined) server.closeAllConnections();
    });
    const port = (server.address() as AddressInfo).port;
    // Last: only a replica that started stores (and shows) a minted admin key.
    const boot = await ensureBootstrap(prisma, {
      ...(env.bootstrapApiKey ? { apiKey: env.bootstrapApiKey } : {}),
      ...(options.onApiKeyCreated ? { reveal: options.onApiKeyCreated } : {}),
      ...(env.signIn.bootstrapPassword ? { adminPassword: env.signIn.bootstrapPassword } : {}),
      ...(env.signIn.bootstrapEmail ? { adminEmail: env.signIn.bootstrapEmail } : {}),
      ...(options.onPasswordCreated ? { revealPassword: options.onPasswordCreated } : {}),
    });
    logger.info({ port, host: env.host, tls: env.tls !== null }, 'listening');

    let closing: Promise<void> | undefined;
    return {
      port,
      createdApiKey: boot.createdApiKey,
      close: () => (closing ??= undo()),
    };
  } catch (err) {
    await undo();
    throw err;
  }
}
