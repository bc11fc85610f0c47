import { randomBytes } from 'node:crypto';
import type { EngineCatalog } from '@vr3/agent';
import { isPublicBaseUrl } from '@vr3/env';
import type { Bus } from '@vr3/protocol';
import { openRecordingStore } from '@vr3/recordings';
import type { ResolveHost } from '@vr3/providers';
import type { Router } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { AdmissionGate } from './bus/admission-gate.ts';
import { AdmittedRuns } from './bus/admitted-runs.ts';
import { registerCampaignJobs } from './campaigns/dialer.ts';
import { startResponders, type Responders } from './bus/responders.ts';
import { resolveConfig, type ControlPlaneConfig } from './config.ts';
import type { ControlPlaneContext } from './context.ts';
import { SECRET_KEY_BYTES } from './crypto/secrets.ts';
import { poolOf, type Db } from './db/prisma.ts';
import { SharedReads } from './db/shared-reads.ts';
import { SecretError, SecretErrorCode } from './errors.ts';
import { createApiRouter } from './http/router.ts';
import { startEdgeTracking, type EdgeTracking } from './edges/heartbeats.ts';
import { registerPlaceCallJobs } from './jobs/place-call.ts';
import { registerAttachStreamJobs } from './jobs/attach-stream.ts';
import { registerProviderActionJobs } from './jobs/provider-actions.ts';
import { registerReaperJobs, type EdgeLiveness } from './jobs/reaper.ts';
import { recoverAtStart } from './jobs/recovery.ts';
import { registerRecordingJobs } from './recordings/retention.ts';
import { createInProcessJobQueue, type JobQueue } from './jobs/queue.ts';
import { LiveStreams } from './live/live-streams.ts';
import { defaultProviderClients, type ProviderClientFactory } from './providers/registry.ts';
import { warmUp } from './warm-up.ts';
import { registerWebhookJobs } from './webhooks/jobs.ts';

/** Options of {@link createControlPlane}. */
export interface ControlPlaneOptions {
  prisma: Db;
  bus: Bus;
  logger: Logger;
  /** 32-byte AES-256-GCM key of stored credentials and engine secrets (see `parseSecretKey`). */
  secretKey: Buffer;
  /**
   * The specs of every agent engine the product runs (`productEngineCatalog()`): agent
   * configurations are validated with it, its `secretFields` are
   * sealed, and admission re-validates the stored configuration. Must match the media-edge's engines.
   */
  engines: EngineCatalog;
  /** Provider action jobs; an in-process queue owned (and closed) by the control-plane when omitted. */
  jobs?: JobQueue;
  config?: Partial<ControlPlaneConfig>;
  /** Provider REST client factory; tests point it at fakes. Default: `createCloudonixApiClient`. */
  providerClients?: ProviderClientFactory;
  /**
   * Resolver of provider API host names, when a URL is saved and when a provider client connects.
   * Default: `dns.lookup` with `all: true`. A test hook (a stub simulates DNS answers, e.g. a
   * rebinding host); not an operator setting.
   */
  resolveProviderHost?: ResolveHost;
  /**
   * Record edge heartbeats in `media_edges` and run the stale-run reaper (`edgeLostAfterMs`,
   * `reaperIntervalMs`, `initializedRunTimeoutMs`). Both apps pass it: the distributed replica
   * (NATS) and the embedded product (its edge heart-beats over the in-process bus).
   */
  edgeLiveness?: EdgeLiveness;
  /**
   * At start, end every live run as left by a process that is gone (`failed`/`edge_lost` at its
   * edge's last heartbeat, provider hangup queued): for the embedded product, which holds its data
   * dir exclusively. Never in the distributed mode, where other replicas' edges hold live runs.
   */
  endLiveRunsAtStart?: boolean;
  /** Registry for the control-plane's own metrics (admissions); a private one when absent. */
  metrics?: Registry;
}

/** A composed control-plane. */
export interface ControlPlane {
  /** The admin REST API; mount it at `/api/v1`. */
  router: Router;
  /**
   * Registers the job handlers, runs start-up recovery (quota counters reconciled with the runs
   * table; see `endLiveRunsAtStart`), then subscribes the bus responders (queue group `control-plane`).
   */
  start(): Promise<void>;
  /**
   * Sets the base URL providers reach the product at (`config.publicUrl`) once it is known: the
   * embedded product derives its default from the port it bound. Throws `TypeError` for a URL that
   * is not `scheme://host[:port]`.
   */
  setPublicUrl(url: string): void;
  /** Unsubscribes, waits for requests being answered, closes an owned job queue. Idempotent. */
  close(): Promise<void>;
  /** Ends the long-lived live-calls streams at once (clients reconnect elsewhere) and refuses new ones: before the HTTP server closes, so it does not wait on them. Idempotent. */
  endStreams(): void;
}

/**
 * Composes the control-plane: REST routes, bus responders and provider action jobs over one
 * Prisma client. Owns no sockets: the app mounts the router and owns the bus and the database.
 */
export function createControlPlane(options: ControlPlaneOptions): ControlPlane {
  if (options.secretKey.length !== SECRET_KEY_BYTES) throw new SecretError(SecretErrorCode.InvalidKey, 'secret key must be 32 bytes');
  const ownsJobs = options.jobs === undefined;
  const config = resolveConfig(options.config);
  const ctx: ControlPlaneContext = {
    prisma: options.prisma,
    pool: poolOf(options.prisma),
    bus: options.bus,
    logger: options.logger,
    secretKey: options.secretKey,
    jobs: options.jobs ?? createInProcessJobQueue({ logger: options.logger }),
    config,
    providerClients: options.providerClients ?? defaultProviderClients,
    resolveProviderHost: options.resolveProviderHost,
    engines: options.engines,
    admissions: new AdmissionGate(config.maxPendingAdmissions, options.metrics),
    streamAgents: new SharedReads(),
    admittedRuns: new AdmittedRuns(config.initializedRunTimeoutMs),
    replicaId: randomBytes(6).toString('hex'),
    recordings: config.recordings ? openRecordingStore(config.recordings) : null,
    liveStreams: new LiveStreams(options.bus),
  };
  const router = createApiRouter(ctx);
  let responders: Responders | undefined;
  let edges: EdgeTracking | undefined;
  let started = false;
  let closing: Promise<void> | undefined;

  return {
    router,
    endStreams: () => ctx.liveStreams.close(),
    setPublicUrl(url) {
      if (!isPublicBaseUrl(url)) throw new TypeError('public URL must be scheme://host[:port] (ws, wss, http or https)');
      config.publicUrl = url;
    },
    async start() {
      if (started) return;
      if (closing) throw new Error('control-plane is closed');
      started = true;
      registerProviderActionJobs(ctx);
      registerPlaceCallJobs(ctx);
      registerAttachStreamJobs(ctx);
      await registerRecordingJobs(ctx);
      await registerCampaignJobs(ctx);
      await registerWebhookJobs(ctx);
      await recoverAtStart(ctx, { endLiveRuns: options.endLiveRunsAtStart ?? false });
      if (options.edgeLiveness) {
        await registerReaperJobs(ctx, options.edgeLiveness);
        edges = startEdgeTracking(ctx);
      }
      if (config.warmUpConnections > 0) await warmUp(ctx);
      responders = startResponders(ctx);
    },
    close() {
      closing ??= (async () => {
        const steps: Array<() => Promise<void> | undefined> = [
          () => void ctx.liveStreams.close(),
          () => responders?.close(),
          () => edges?.close(),
          () => (ownsJobs ? ctx.jobs.close() : undefined),
        ];
        for (const step of steps) {
          try {
            await step();
          } catch (err) {
            ctx.logger.error({ err }, 'control-plane close step failed');
          }
        }
      })();
      return closing;
    },
  };
}
