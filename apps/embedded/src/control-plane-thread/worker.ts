/**
 * The control-plane thread of the embedded product: admission, run lifecycle, the reaper, provider
 * jobs and the REST API run here, on their own event loop, so that their database and provider work
 * never delays the media of live calls on the main thread. The media-edge reaches it over the port
 * bus; the main thread forwards `/api/v1` requests to its HTTP server on a private Unix socket.
 */
import fs from 'node:fs';
import http from 'node:http';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import express from 'express';
import { Registry } from 'prom-client';
import { createPortBus } from '@vr3/protocol';
import { createControlPlane, createDurableJobQueue, createPrisma, ensureBootstrap, productEngineCatalog, serviceRoot } from '@vr3/control-plane';
import { createLogger } from '../logger.ts';
import { runAll } from '../run-all.ts';
import { createRpc } from './rpc.ts';
import type { BootstrapRequest, ControlPlaneThreadData } from './thread.ts';

if (!parentPort) throw new Error('the control-plane thread runs as a worker');
const data = workerData as ControlPlaneThreadData & { busPort: MessagePort };
const rpc = createRpc(parentPort);
const logger = createLogger(data.logLevel);

// This process owns its database: the whole pool is opened at start (the warm-up) and stays open,
// so a burst after a quiet spell does not start PostgreSQL backends in the middle of it.
const prisma = createPrisma(data.databaseUrl, { maxConnections: data.dbPoolSize, minConnections: data.dbPoolSize, idleTimeoutMs: 0 });
const bus = createPortBus(data.busPort);
const metrics = new Registry();
// Provider hangups, transfers and reaper finalizations survive a crash or a restart: each job is a
// `job_outbox` row first, and the next start runs whatever a previous process left.
const jobs = createDurableJobQueue({ prisma, logger: logger.child({ component: 'jobs' }) });
const controlPlane = createControlPlane({
  prisma,
  bus,
  jobs,
  logger: logger.child({ component: 'control-plane' }),
  secretKey: Buffer.from(data.secretKey),
  // Every engine the media-edge runs: agent configurations are validated with their specs.
  engines: productEngineCatalog(),
  config: data.config,
  // The same reaper as the distributed mode: runs the edge abandoned (an admission answered after
  // the edge's bus timeout) or whose finalize was lost are ended and free their slot. The port bus
  // carries every heartbeat of this process's edge from the thread's start on.
  edgeLiveness: { observedSince: () => data.busSince },
  // This process holds the data dir exclusively: any run still live in the database was on a
  // previous process of this product that is gone.
  endLiveRunsAtStart: true,
  metrics,
});

const app = express();
app.disable('x-powered-by');
app.use('/api/v1', controlPlane.router);
// An unknown /api/v1 path gets the API's JSON 404 (the console is served by the main thread).
app.use(serviceRoot('embedded', { consoleDir: null }));
const server = http.createServer({ keepAliveTimeout: 60_000 }, app);

rpc.handle('start', async () => {
  await controlPlane.start();
  fs.rmSync(data.apiSocket, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(data.apiSocket, () => resolve());
  });
  // Only this process's user may reach the API socket (the data dir is already private).
  fs.chmodSync(data.apiSocket, 0o600);
});

rpc.handle('bootstrap', async (arg) => {
  const request = arg as BootstrapRequest;
  const boot = await ensureBootstrap(prisma, {
    ...(request.apiKey ? { apiKey: request.apiKey } : {}),
    ...(request.reveal ? { reveal: (key: string) => rpc.call<void>('reveal', key) } : {}),
    ...(request.adminPassword ? { adminPassword: request.adminPassword } : {}),
    ...(request.adminEmail ? { adminEmail: request.adminEmail } : {}),
    ...(request.revealPassword ? { revealPassword: (credentials: { email: string; password: string }) => rpc.call<void>('reveal-password', credentials) } : {}),
  });
  return boot.createdApiKey;
});

rpc.handle('metrics', () => metrics.metrics());

rpc.handle('public-url', (url) => controlPlane.setPublicUrl(url as string));

rpc.handle('close', async () => {
  try {
    await runAll(
      [
        () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
        () => controlPlane.close(),
        () => jobs.close(),
        () => bus.close(),
        () => prisma.$disconnect(),
      ],
      logger,
    );
  } finally {
    fs.rmSync(data.apiSocket, { force: true });
  }
});
