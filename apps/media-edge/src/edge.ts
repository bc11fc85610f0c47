import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { EngineRegistry } from '@vr3/agent';
import { createEchoEngine } from '@vr3/engine-echo';
import { findUnsafeText, STREAM_ERRORS, StreamErrorCode, Subjects, type Bus, type EdgeHeartbeat, type StreamUpgrade } from '@vr3/protocol';
import { getProvider, isKnownProvider } from '@vr3/providers';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { RecordingStore } from '@vr3/recordings';
import { type WebSocket, WebSocketServer } from 'ws';
import { clientAddress, TrustedProxies } from './admission/client-address.ts';
import { ConnectionRateLimiter } from './admission/connection-rate.ts';
import { PendingHandshakes } from './admission/pending-handshakes.ts';
import { RefusalLog } from './admission/refusal-log.ts';
import { streamUpgradeOf } from './admission/upgrade-request.ts';
import { Call } from './call/call.ts';
import { ControlPlaneClient } from './call/control-plane.ts';
import { resolveMediaEdgeConfig, type MediaEdgeConfig } from './config.ts';
import { createEdgeMetrics, type EdgeMetrics } from './metrics.ts';
import { EdgeRecordings } from './recording/edge-recordings.ts';
import { agentRef, parseStreamRoute, type StreamRoute } from './routing.ts';
import { WsTransport } from './transport/ws-transport.ts';

/** Options of {@link createMediaEdge}. */
export interface MediaEdgeOptions {
  bus: Bus;
  logger: Logger;
  /** This edge's id on the bus (heartbeats, run ownership). */
  edgeId: string;
  /** Overrides of {@link DEFAULT_MEDIA_EDGE_CONFIG}. */
  config?: Partial<MediaEdgeConfig>;
  /** Registry to register the edge's metrics in; a private one when absent. */
  metrics?: Registry;
  /**
   * The engines this edge runs, by type (`@vr3/agent`). Default: the echo engine only. An admitted
   * run naming a type not registered here fails `server_error` (1011).
   */
  engines?: EngineRegistry;
  /**
   * Where the calls of agents that opted in to recording are recorded: the store finished recordings
   * go to and the spool dir they are written to meanwhile. Absent: this edge records nothing.
   */
  recordings?: EdgeRecordingsSetup;
}

/** {@link MediaEdgeOptions.recordings} */
export interface EdgeRecordingsSetup {
  store: RecordingStore;
  spoolDir: string;
  /** On close, how long to wait for the recordings of ended calls to be stored (default 60 s); the rest is kept for the next start. */
  drainTimeoutMs?: number;
}

/** Default of {@link EdgeRecordingsSetup.drainTimeoutMs}. */
export const RECORDINGS_DRAIN_TIMEOUT_MS = 60_000;

/** A media-edge: terminates provider WebSockets and moves audio between adapters and agent engines. */
export interface MediaEdge {
  /**
   * For an http.Server 'upgrade' on a path under `/api/v1/agent-stream/`: the embedding app routes it
   * here. Other paths get a 404 and the socket is closed. New connections per second and pending
   * handshakes are bounded per source address (`connectionsPerSecondPerAddress`,
   * `maxPendingHandshakesPerAddress`): the TCP peer, or what a trusted proxy says it forwards.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Calls held: from socket open until the socket is closed and the run finalized. */
  readonly activeCalls: number;
  /**
   * Stops accepting (new streams get 1013), lets live calls run for `drainTimeoutMs`, ends the rest
   * with `edge_shutdown` and asks the control-plane to hang each up through the provider
   * (`RunAction` hangup), finalizes them, and resolves when all are gone. Idempotent: a later call
   * returns the same promise and ends a drain in progress sooner when its `drainTimeoutMs` (0: at
   * once) runs out before the current window does.
   */
  close(options?: { drainTimeoutMs?: number }): Promise<void>;
}

/** Creates a media-edge. It opens no listener: feed it upgrades with {@link MediaEdge.handleUpgrade}. */
export function createMediaEdge(options: MediaEdgeOptions): MediaEdge {
  return new MediaEdgeServer(options);
}

class MediaEdgeServer implements MediaEdge {
  private readonly config: MediaEdgeConfig;
  private readonly metrics: EdgeMetrics;
  private readonly log: Logger;
  private readonly wss: WebSocketServer;
  private readonly controlPlane: ControlPlaneClient;
  private readonly engines: EngineRegistry;
  private readonly calls = new Set<Call>();
  /** Sockets not past their provider `start`, per source address. */
  private readonly pending: PendingHandshakes;
  private readonly trusted: TrustedProxies;
  /** New connections per source address (token buckets). */
  private readonly connectionRate: ConnectionRateLimiter;
  /** Refused streams, logged in aggregate. */
  private readonly refusals: RefusalLog;
  /** Sockets closed without a call (refused); tracked until their close completes. */
  private readonly refused = new Set<Promise<void>>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly recordings: EdgeRecordings | undefined;
  private draining = false;
  private closing: Promise<void> | null = null;
  /** The drain window in progress: when it ends, and how to end it sooner. */
  private drainWindow: { endsAt: number; timer: NodeJS.Timeout; end: () => void } | null = null;

  constructor(private readonly options: MediaEdgeOptions) {
    this.config = resolveMediaEdgeConfig(options.config);
    this.metrics = createEdgeMetrics(options.metrics);
    this.log = options.logger.child({ edge_id: options.edgeId });
    this.engines = options.engines ?? new EngineRegistry([createEchoEngine()]);
    this.pending = new PendingHandshakes(this.config.maxPendingHandshakesPerAddress, this.metrics.pendingHandshakes);
    this.trusted = new TrustedProxies(this.config.trustedProxies);
    this.connectionRate = new ConnectionRateLimiter(this.config.connectionsPerSecondPerAddress, this.config.connectionBurstPerAddress);
    this.refusals = new RefusalLog(this.log, this.config.refusalLogIntervalMs);
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.config.maxPayloadBytes, clientTracking: false, perMessageDeflate: false });
    this.controlPlane = new ControlPlaneClient({
      bus: options.bus,
      edgeId: options.edgeId,
      metrics: this.metrics,
      timeoutMs: this.config.busRequestTimeoutMs,
      startTimeoutMs: this.config.runStartTimeoutMs,
      finalizeAttempts: this.config.finalizeAttempts,
      finalizeBackoffMs: this.config.finalizeBackoffMs,
    });
    if (options.recordings) {
      this.recordings = new EdgeRecordings({
        store: options.recordings.store,
        spoolDir: options.recordings.spoolDir,
        notify: (req) => this.controlPlane.recorded(req),
        logger: this.log,
      });
      // Recordings a previous process of this edge left unstored (a failed upload, a crash).
      this.recordings.resume().catch((err: unknown) => this.log.error({ err }, 'recording spool dir unreadable'));
    }
    this.heartbeat = setInterval(() => this.publishHeartbeat(), this.config.heartbeatIntervalMs);
    this.heartbeat.unref();
    this.publishHeartbeat();
  }

  get activeCalls(): number {
    return this.calls.size;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const openedAt = performance.now();
    const route = parseStreamRoute(req.url);
    if (!route) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    // The source the per-address bound counts: the TCP peer, or what a trusted proxy in front of
    // the edge says in `X-Forwarded-For`.
    const address = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], this.trusted);
    const upgrade = streamUpgradeOf(req, this.config.publicUrl);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, route, openedAt, address, upgrade));
  }

  close(options: { drainTimeoutMs?: number } = {}): Promise<void> {
    const drainTimeoutMs = options.drainTimeoutMs ?? this.config.drainTimeoutMs;
    if (this.closing) this.shortenDrain(drainTimeoutMs);
    else this.closing = this.shutdown(drainTimeoutMs);
    return this.closing;
  }

  /** Ends the drain window in progress `drainTimeoutMs` from now, when that is sooner than planned. */
  private shortenDrain(drainTimeoutMs: number): void {
    const drain = this.drainWindow;
    if (!drain || Date.now() + drainTimeoutMs >= drain.endsAt) return;
    this.log.info({ calls: this.calls.size, drain_timeout_ms: drainTimeoutMs }, 'media-edge drain shortened');
    drain.endsAt = Date.now() + drainTimeoutMs;
    clearTimeout(drain.timer);
    drain.timer = setTimeout(drain.end, drainTimeoutMs);
  }

  private onConnection(ws: WebSocket, route: StreamRoute, openedAt: number, address: string, upgrade: StreamUpgrade | undefined): void {
    const { provider, agentUuid } = route;
    // Every new connection counts against its source's rate, whatever becomes of it.
    if (!this.connectionRate.admit(address)) return this.refuse(ws, StreamErrorCode.TooManyConnections, address);
    if (this.draining || this.calls.size >= this.config.maxCalls) return this.refuse(ws, StreamErrorCode.EdgeDraining, address);
    if (!isKnownProvider(provider)) return this.refuse(ws, StreamErrorCode.UnknownProvider, address);
    const descriptor = getProvider(provider);
    if (!descriptor) return this.refuse(ws, StreamErrorCode.UnsupportedProvider, address);
    if (agentUuid === '') return this.refuse(ws, StreamErrorCode.AgentNotFound, address);
    // NUL (`%00`) in a query parameter: text the database cannot store, refused before admission (4400).
    if (findUnsafeText(route.query)) return this.refuse(ws, StreamErrorCode.MalformedHandshake, address);
    // Admission holds a run and a quota slot: refused here, a stream costs the control-plane nothing.
    const releasePending = this.pending.acquire(address);
    if (releasePending === null) return this.refuse(ws, StreamErrorCode.TooManyPendingHandshakes, address);
    if (this.controlPlane.admissionsInFlight >= this.config.maxPendingAdmissions) {
      releasePending();
      return this.refuse(ws, StreamErrorCode.Overloaded, address);
    }

    const transport = new WsTransport(ws, this.config.closeTimeoutMs, this.metrics);
    const call = new Call({
      transport,
      provider: descriptor,
      agentUuid,
      query: route.query,
      controlPlane: this.controlPlane,
      bus: this.options.bus,
      engines: this.engines,
      config: this.config,
      metrics: this.metrics,
      logger: this.log.child({ provider, conn: randomBytes(4).toString('hex'), agent_ref: agentRef(agentUuid) }),
      openedAt,
      handshakeSettled: releasePending,
      ...(upgrade === undefined ? {} : { upgrade }),
      admissionRefused: (code) => this.refusals.record(code, address),
      ...(this.recordings ? { recordings: this.recordings } : {}),
    });
    transport.attach(call);
    this.calls.add(call);
    this.metrics.activeCalls.inc();
    void call.done.then(() => {
      this.calls.delete(call);
      this.metrics.activeCalls.dec();
    });
    call.begin();
  }

  /**
   * Closes a stream that never becomes a call (no bus request), with the table's close code; counted
   * in `streams_refused_total` and logged in aggregate per code and source address.
   */
  private refuse(ws: WebSocket, code: StreamErrorCode, address: string): void {
    const row = STREAM_ERRORS[code];
    const transport = new WsTransport(ws, this.config.closeTimeoutMs, this.metrics);
    const closed = new Promise<void>((resolve) => transport.attach({ onFrame: () => undefined, onSocketClosed: () => resolve() }));
    this.refused.add(closed);
    void closed.then(() => this.refused.delete(closed));
    this.metrics.streamsRefused.inc({ code });
    this.refusals.record(code, address);
    transport.close(row.close, row.reason);
  }

  private async shutdown(drainTimeoutMs: number): Promise<void> {
    this.draining = true;
    this.log.info({ calls: this.calls.size, drain_timeout_ms: drainTimeoutMs }, 'media-edge draining');
    this.publishHeartbeat();
    // Streams still in their handshake end now; running calls get the drain window.
    for (const call of this.calls) if (call.phase !== 'running') call.shutdown();
    if (this.calls.size > 0 && drainTimeoutMs > 0) {
      const deadline = new Promise<void>((end) => {
        this.drainWindow = { endsAt: Date.now() + drainTimeoutMs, timer: setTimeout(end, drainTimeoutMs), end };
      });
      await Promise.race([Promise.all([...this.calls].map((c) => c.done)), deadline]);
      clearTimeout(this.drainWindow?.timer);
      this.drainWindow = null;
    }
    // Calls still live after the drain window: end them (1013, run failed/edge_shutdown) and hang
    // each up through the provider (the control-plane holds the credentials), so no caller is
    // left on a dead stream.
    const hangups = [...this.calls].map((call) => this.shutdownCall(call));
    await Promise.all([...hangups, ...[...this.calls].map((c) => c.done)]);
    await Promise.all([...this.refused]);
    // The recordings of the calls just ended are stored (and recorded on their runs) before the bus goes.
    await this.recordings?.drain(this.options.recordings?.drainTimeoutMs ?? RECORDINGS_DRAIN_TIMEOUT_MS);
    this.refusals.flush();
    clearInterval(this.heartbeat);
    this.publishHeartbeat();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.log.info('media-edge closed');
  }

  private async shutdownCall(call: Call): Promise<void> {
    const runId = call.phase === 'running' ? call.runId : null;
    call.shutdown();
    if (runId === null) return;
    try {
      const res = await this.controlPlane.action(runId, 'hangup');
      if (!res.ok) this.log.warn({ run_id: runId, code: res.error.code }, 'provider hangup at shutdown refused');
    } catch (err) {
      this.log.warn({ err, run_id: runId }, 'provider hangup at shutdown failed');
    }
  }

  private publishHeartbeat(): void {
    const runIds: string[] = [];
    for (const call of this.calls) if (call.runId !== null && call.phase !== 'ended') runIds.push(call.runId);
    const beat: EdgeHeartbeat = { edge_id: this.options.edgeId, run_ids: runIds, draining: this.draining };
    try {
      this.options.bus.publish(Subjects.EdgeHeartbeat, beat);
    } catch (err) {
      this.log.warn({ err }, 'heartbeat publish failed');
    }
  }
}
