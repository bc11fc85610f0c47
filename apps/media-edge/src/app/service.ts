import type { AddressInfo } from 'node:net';
import { connect } from 'nats';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { hostOf, isConnectionFailure, METRICS_UNAUTHORIZED, metricsAuthorized, untilAvailable } from '@vr3/env';
import { createNatsBus, watchConnection } from '@vr3/nats-bus';
import { openRecordingStore } from '@vr3/recordings';
import { createMediaEdge } from '../edge.ts';
import { AGENT_STREAM_PATH_PREFIX } from '../routing.ts';
import { addAcceptHandles } from '../transport/accept-handles.ts';
import { createProductEngines } from './engines.ts';
import type { MediaEdgeEnv } from './env.ts';
import { createLimitedHttpServer } from './http-limits.ts';

/** What `GET /` answers: the product, this service and where to go next (the same shape as the control-plane's root). */
const ROOT_INFO = Object.freeze({
  product: 'VR3 Agent Stream',
  service: 'media-edge',
  links: { agent_stream: '/api/v1/agent-stream/{agent_uuid}?provider={provider}', health: '/healthz', ready: '/readyz', metrics: '/metrics' },
});

/** A running media-edge pod. */
export interface MediaEdgeService {
  port: number;
  edgeId: string;
  /** Graceful stop: not ready, refuse new streams (1013), drain live calls, hang up the rest, exit. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts one media-edge pod of the distributed topology: the Agent Stream WebSocket endpoint,
 * /healthz, /readyz and /metrics on one port, talking to the control-plane over NATS only. It
 * opens no database connection and holds no provider secrets.
 */
export async function startMediaEdgeService(env: MediaEdgeEnv, logger: Logger): Promise<MediaEdgeService> {
  const log = logger.child({ edge_id: env.edgeId });
  // NATS may still be starting (`turbo dev`, a whole stack coming up): wait for it, saying so in the log.
  const nc = await untilAvailable(
    () =>
      connect({
        servers: env.natsServers,
        name: `vr3-media-edge/${env.edgeId}`,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        pingInterval: 10_000,
        maxPingOut: 3,
      }),
    {
      dependency: 'nats',
      target: env.natsServers.map(hostOf).join(','),
      logger: log,
      retryable: (err) => (err as { code?: unknown }).code === 'CONNECTION_REFUSED' || isConnectionFailure(err),
    },
  );
  const nats = watchConnection(nc, { logger: log });
  const bus = createNatsBus(nc, { logger: log });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const edge = createMediaEdge({
    bus,
    logger,
    edgeId: env.edgeId,
    metrics: registry,
    engines: createProductEngines({ vendorTimeoutMs: env.vendorTimeoutMs }),
    ...(env.recordings.storage && env.recordings.spoolDir
      ? { recordings: { store: openRecordingStore(env.recordings.storage), spoolDir: env.recordings.spoolDir } }
      : {}),
    config: {
      handshakeTimeoutMs: env.handshakeTimeoutMs,
      drainTimeoutMs: env.drainTimeoutMs,
      heartbeatIntervalMs: env.heartbeatIntervalMs,
      busRequestTimeoutMs: env.busRequestTimeoutMs,
      runStartTimeoutMs: env.runStartTimeoutMs,
      maxCalls: env.maxCalls,
      maxPendingHandshakesPerAddress: env.maxPendingHandshakesPerAddress,
      maxPendingAdmissions: env.maxPendingAdmissions,
      trustedProxies: env.trustedProxies,
      engineCloseTimeoutMs: env.engineCloseTimeoutMs,
      connectionsPerSecondPerAddress: env.connectionsPerSecondPerAddress,
      connectionBurstPerAddress: env.connectionBurstPerAddress,
      maxInboundFramesPerSecond: env.maxInboundFramesPerSecond,
      inboundFrameBurst: env.inboundFrameBurst,
      publicUrl: env.publicUrl,
    },
  });
  if (env.metrics.kind === 'closed') log.warn('/metrics answers 401: set VR3_METRICS_TOKEN (or VR3_METRICS_PUBLIC=true) to scrape it');

  let draining = false;
  // Request timeouts and a connection cap (VR3_HTTP_*, VR3_MAX_CONNECTIONS): half-sent upgrades do not pile up.
  // With VR3_TLS_CERT_FILE/VR3_TLS_KEY_FILE: https/wss, the pair reloaded on SIGHUP and on change.
  const server = createLimitedHttpServer(env.httpLimits, (req, res) => {
    const path = (req.url ?? '').split('?', 1)[0];
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return json(405, { error: { code: 'method_not_allowed' } });
    if (path === '/') return json(200, ROOT_INFO);
    if (path === '/healthz') return json(200, { status: 'ok' });
    if (path === '/readyz') {
      const ready = !draining && nats.connected;
      return json(ready ? 200 : 503, { status: draining ? 'draining' : ready ? 'ready' : 'unavailable', nats: nats.connected, active_calls: edge.activeCalls });
    }
    if (path === '/metrics') {
      if (!metricsAuthorized(env.metrics, req.headers.authorization)) {
        res.writeHead(METRICS_UNAUTHORIZED.status, METRICS_UNAUTHORIZED.headers).end(METRICS_UNAUTHORIZED.body);
        return;
      }
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        () => json(500, { error: { code: 'internal' } }),
      );
      return;
    }
    json(404, { error: { code: 'not_found' } });
  }, env.tls && { files: env.tls, logger: log });
  server.on('upgrade', (req, socket, head) => {
    if ((req.url ?? '').startsWith(AGENT_STREAM_PATH_PREFIX)) return edge.handleUpgrade(req, socket, head);
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(env.port, env.host, () => resolve());
    });
  } catch (err) {
    await edge.close({ drainTimeoutMs: 0 });
    await bus.close();
    await nc.close();
    throw err;
  }
  const accept = await addAcceptHandles(server, env.acceptHandles);
  const port = (server.address() as AddressInfo).port;
  log.info({ port, host: env.host, tls: env.tls !== null, accept_handles: accept.count + 1 }, 'listening');

  const stop = async (): Promise<void> => {
    draining = true;
    const steps: Array<() => unknown> = [
      // Refuses new streams with 1013 from here on; the server keeps accepting to say so.
      () => edge.close({ drainTimeoutMs: env.drainTimeoutMs }),
      () => {
        accept.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        return closed;
      },
      () => bus.close(),
      () => nats.stop(),
      () => (nc.isClosed() ? undefined : nc.drain()),
    ];
    for (const step of steps) {
      try {
        await step();
      } catch (err) {
        log.error({ err }, 'shutdown step failed');
      }
    }
  };
  let closing: Promise<void> | undefined;
  return { port, edgeId: env.edgeId, close: () => (closing ??= stop()) };
}
