/**
 * Test harness: a real http.Server on 127.0.0.1:0 routing upgrades to a media-edge, an in-process
 * bus with a scripted control-plane, and a Cloudonix media client. Used by the co-located tests only.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EngineRegistry, type Engine } from '@vr3/agent';
import {
  createInProcessBus,
  Subjects,
  type Bus,
  type EdgeHeartbeat,
  type RunActionRequest,
  type RunEventsRequest,
  type RunFinalizeRequest,
  type RunStartRequest,
  type StreamAdmitRequest,
} from '@vr3/protocol';
import { CloudonixMediaClient } from '@vr3/providers/testing';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { MediaEdgeConfig } from '../config.ts';
import { createMediaEdge, type MediaEdge } from '../edge.ts';

type Answer = unknown | Promise<unknown>;

/** What the scripted control-plane answers; each handler may throw or never resolve. */
export interface ControlPlaneScript {
  admit?: (req: StreamAdmitRequest, n: number) => Answer;
  start?: (req: RunStartRequest) => Answer;
  finalize?: (req: RunFinalizeRequest, attempt: number) => Answer;
  action?: (req: RunActionRequest) => Answer;
  events?: (req: RunEventsRequest, n: number) => Answer;
  /** Register no responders at all. */
  absent?: boolean;
}

/** An admitted run as the control-plane would return it. */
export function admitted(n: number, extra: { max_duration_ms?: number | null; engine?: { type: string; [key: string]: unknown }; initial_context?: Record<string, unknown> } = {}) {
  return {
    ok: true,
    run: {
      id: `run-${n}`,
      name: `WR-AGS-${String(n).padStart(8, '0')}`,
      agent_uuid: 'agent',
      provider: 'cloudonix',
      telephony_configuration_id: 'tc-1',
      engine: extra.engine ?? { type: 'echo' },
      max_duration_ms: extra.max_duration_ms ?? null,
      initial_context: extra.initial_context ?? {},
    },
  };
}

/** Records every request the edge makes and answers from a script. */
export class ScriptedControlPlane {
  readonly admits: StreamAdmitRequest[] = [];
  readonly starts: RunStartRequest[] = [];
  readonly finalizes: RunFinalizeRequest[] = [];
  readonly actions: RunActionRequest[] = [];
  /** Every `RunEvents` request answered ok, in arrival order. */
  readonly eventBatches: RunEventsRequest[] = [];
  private eventRequests = 0;
  readonly heartbeats: EdgeHeartbeat[] = [];
  /** `events` and `finalize`, in the order the control-plane answered them. */
  readonly answered: Array<'events' | 'finalize'> = [];
  private finalizeAttempts = 0;

  constructor(bus: Bus, script: ControlPlaneScript) {
    bus.subscribe(Subjects.EdgeHeartbeat, (d) => this.heartbeats.push(d as EdgeHeartbeat));
    if (script.absent) return;
    bus.respond(Subjects.StreamAdmit, (d) => {
      const req = d as StreamAdmitRequest;
      this.admits.push(req);
      return script.admit ? script.admit(req, this.admits.length) : admitted(this.admits.length);
    });
    bus.respond(Subjects.RunStart, (d) => {
      this.starts.push(d as RunStartRequest);
      return script.start ? script.start(d as RunStartRequest) : { ok: true };
    });
    bus.respond(Subjects.RunFinalize, (d) => {
      const req = d as RunFinalizeRequest;
      const answer = script.finalize ? script.finalize(req, ++this.finalizeAttempts) : { ok: true, already_final: false };
      return Promise.resolve(answer).then((a) => {
        this.finalizes.push(req);
        this.answered.push('finalize');
        return a;
      });
    });
    bus.respond(Subjects.RunAction, (d) => {
      this.actions.push(d as RunActionRequest);
      return script.action ? script.action(d as RunActionRequest) : { ok: true };
    });
    bus.respond(Subjects.RunEvents, (d) => {
      const req = d as RunEventsRequest;
      const answer = script.events ? script.events(req, ++this.eventRequests) : { ok: true, stored: req.events.length };
      return Promise.resolve(answer).then((a) => {
        this.eventBatches.push(req);
        this.answered.push('events');
        return a;
      });
    });
  }

  /** Every run event stored, in order of arrival (a retried batch may repeat some). */
  get events(): RunEventsRequest['events'] {
    return this.eventBatches.flatMap((b) => b.events);
  }
}

/** Options of {@link startHarness}. */
export interface HarnessOptions {
  config?: Partial<MediaEdgeConfig>;
  /** The edge's engines (default: the echo engine). */
  engines?: EngineRegistry | Engine[];
  script?: ControlPlaneScript;
  /** Keep every log line (debug and up) in {@link Harness.logs}. */
  captureLogs?: boolean;
}

/** A running edge behind a real HTTP server. */
export interface Harness {
  edge: MediaEdge;
  bus: Bus;
  cp: ScriptedControlPlane;
  metrics: Registry;
  /** Log lines as written (with `captureLogs`). */
  logs: string[];
  port: number;
  url(query?: Record<string, string>, path?: string): string;
  /** Connects a Cloudonix media client to the stream URL (default query: a valid Cloudonix one). */
  connect(query?: Record<string, string>, options?: { autoEchoMarks?: boolean }): Promise<CloudonixMediaClient>;
  /** Connects and completes the handshake; resolves once the run is running (its RunStart answered). */
  startCall(options?: { autoEchoMarks?: boolean }): Promise<CloudonixMediaClient>;
  close(): Promise<void>;
}

export const DEFAULT_QUERY = { provider: 'cloudonix', Domain: 'acme', callId: 'c-1', from: '+15551230001', to: '+15551230002' };
const AGENT = '6f1c1b9e-1d2a-4c57-9b0e-4a7e0c2f9d11';

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const bus = createInProcessBus();
  const cp = new ScriptedControlPlane(bus, options.script ?? {});
  const metrics = new Registry();
  const logs: string[] = [];
  const logger = options.captureLogs
    ? pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) })
    : pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const edge = createMediaEdge({
    bus,
    logger,
    edgeId: 'edge-test',
    metrics,
    ...(options.config ? { config: options.config } : {}),
    ...(options.engines ? { engines: options.engines instanceof EngineRegistry ? options.engines : new EngineRegistry(options.engines) } : {}),
  });
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket, head) => edge.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const clients: CloudonixMediaClient[] = [];
  const url = (query: Record<string, string> = DEFAULT_QUERY, path = `/api/v1/agent-stream/${AGENT}`) =>
    `ws://127.0.0.1:${port}${path}?${new URLSearchParams(query).toString()}`;
  const connect = async (query?: Record<string, string>, opts: { autoEchoMarks?: boolean } = {}) => {
    const client = await CloudonixMediaClient.connect(url(query), opts);
    clients.push(client);
    return client;
  };
  return {
    edge,
    bus,
    cp,
    metrics,
    logs,
    port,
    url,
    connect,
    async startCall(opts = {}) {
      const client = await connect(DEFAULT_QUERY, opts);
      const before = cp.starts.length;
      client.sendConnected();
      client.sendStart();
      await waitUntil(() => cp.starts.length > before && edge.activeCalls > 0);
      await new Promise((r) => setTimeout(r, 10)); // let the RunStart answer reach the edge
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close(1000, '', 500).catch(() => undefined)));
      await edge.close({ drainTimeoutMs: 0 });
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await bus.close();
    },
  };
}

/** Polls `predicate` every 5 ms until true; rejects after `timeoutMs`. */
export async function waitUntil(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
