import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EngineCatalog } from '@vr3/agent';
import { productEngineCatalog } from '../engines/product-catalog.ts';
import { createInProcessBus, type Bus } from '@vr3/protocol';
import type { ResolveHost } from '@vr3/providers';
import express from 'express';
import { pino, type Logger } from 'pino';
import type { ControlPlaneConfig } from '../config.ts';
import { createControlPlane, type ControlPlane } from '../control-plane.ts';
import { ensureBootstrap } from '../db/bootstrap.ts';
import { createPrisma, type Db } from '../db/prisma.ts';
import type { JobQueue } from '../jobs/queue.ts';
import type { EdgeLiveness } from '../jobs/reaper.ts';
import type { ProviderClientFactory } from '../providers/registry.ts';
import { checkApiResponse } from './api-contract.ts';

/** Options of {@link startTestControlPlane}. */
export interface TestControlPlaneOptions {
  /** A migrated database (see `TestPostgres.createDatabase`). */
  databaseUrl: string;
  /** Defaults here: insecure (http) provider URLs allowed, short provider and edge timeouts, fast retries, no warm-up. */
  config?: Partial<ControlPlaneConfig>;
  providerClients?: ProviderClientFactory;
  /** Stub resolver of provider API host names (see `ControlPlaneOptions.resolveProviderHost`). */
  resolveProviderHost?: ResolveHost;
  jobs?: JobQueue;
  bus?: Bus;
  /** Track edge heartbeats and run the stale-run reaper (distributed mode). */
  edgeLiveness?: EdgeLiveness;
  /** Default: the product's engines, `echo` and `bridge`. */
  engines?: EngineCatalog;
  /** Default: a random key. Replicas of one database share it. */
  secretKey?: Buffer;
}

/** A control-plane on a real database, served on 127.0.0.1:0, with a bootstrap API key. */
export interface TestControlPlane {
  prisma: Db;
  bus: Bus;
  controlPlane: ControlPlane;
  logger: Logger;
  /** Every log line written, as JSON text (for "never logged" assertions). */
  logLines: string[];
  secretKey: Buffer;
  baseUrl: string;
  apiKey: string;
  organizationId: string;
  userId: string;
  /** Calls `/api/v1{path}` with the bootstrap key (or `key`; `null` sends no Authorization). */
  api<T = any>(method: string, path: string, body?: unknown, key?: string | null): Promise<{ status: number; body: T }>;
  /** Closes server, control-plane, bus and Prisma. Idempotent. */
  close(): Promise<void>;
}

/** Starts a {@link TestControlPlane}. */
export async function startTestControlPlane(options: TestControlPlaneOptions): Promise<TestControlPlane> {
  const logLines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
  const prisma = createPrisma(options.databaseUrl);
  const bus = options.bus ?? createInProcessBus();
  const secretKey = options.secretKey ?? randomBytes(32);
  const apiKey = `vr3_test_${randomBytes(16).toString('hex')}`;
  const boot = await ensureBootstrap(prisma, { apiKey });
  const controlPlane = createControlPlane({
    prisma,
    bus,
    logger,
    secretKey,
    engines: options.engines ?? productEngineCatalog(),
    ...(options.jobs ? { jobs: options.jobs } : {}),
    ...(options.providerClients ? { providerClients: options.providerClients } : {}),
    ...(options.resolveProviderHost ? { resolveProviderHost: options.resolveProviderHost } : {}),
    ...(options.edgeLiveness ? { edgeLiveness: options.edgeLiveness } : {}),
    config: {
      allowInsecureProviderUrls: true,
      providerTimeoutMs: 1_000,
      edgeControlTimeoutMs: 300,
      providerActionBackoffMs: 20,
      // No start-up warm-up: test control-planes start by the dozen and need no warm first calls.
      warmUpConnections: 0,
      ...options.config,
    },
  });
  await controlPlane.start();
  const app = express();
  app.use('/api/v1', controlPlane.router);
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let closing: Promise<void> | undefined;
  return {
    prisma,
    bus,
    controlPlane,
    logger,
    logLines,
    secretKey,
    baseUrl,
    apiKey,
    organizationId: boot.organizationId,
    userId: boot.userId,
    async api(method, path, body, key = apiKey) {
      const headers: Record<string, string> = {};
      if (key !== null) headers['authorization'] = `Bearer ${key}`;
      let payload: string | undefined;
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        payload = typeof body === 'string' ? body : JSON.stringify(body);
      }
      const res = await fetch(`${baseUrl}/api/v1${path}`, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
      // An event stream never ends by itself: its status and headers are the answer.
      if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
        await res.body?.cancel();
        return { status: res.status, body: undefined };
      }
      const text = await res.text();
      const json = text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text || undefined;
      checkApiResponse(method, path, res.status, json);
      return { status: res.status, body: json };
    },
    close() {
      closing ??= (async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await controlPlane.close();
        if (!options.bus) await bus.close();
        await prisma.$disconnect();
      })();
      return closing;
    },
  };
}
