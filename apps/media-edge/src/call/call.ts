import {
  parseMessage,
  RunControlRequestSchema,
  StreamErrorCode,
  Subjects,
  type AdmittedRun,
  type Bus,
  type CallEvent,
  type RunControlResponse,
  type StartEvent,
  type Subscription,
} from '@vr3/protocol';
import type { ProviderDescriptor, StreamAdapter } from '@vr3/providers';
import type { Logger } from 'pino';
import type { MediaEdgeConfig } from '../config.ts';
import type { AgentEngineRegistry } from '../engine/types.ts';
import { callOutcome, controlEndOutcome, streamErrorOutcome, type CallEnd, type CallOutcome } from '../errors.ts';
import { FRAME_MS, payloadMs } from '../media/codecs.ts';
import { CallStats } from '../media/stats.ts';
import type { EdgeMetrics } from '../metrics.ts';
import type { ControlPlaneClient } from './control-plane.ts';
import { HandshakeGate } from './handshake.ts';
import { MediaSession } from './media-session.ts';

/** Where a call is in its life. `ending`: outcome decided, socket or finalize still pending. */
export type CallPhase = 'admitting' | 'handshaking' | 'starting' | 'running' | 'ending' | 'ended';

/** The provider socket as the call sees it. */
export interface CallTransport {
  send(text: string): void;
  readonly bufferedAmount: number;
  /** Sends a close frame; the transport enforces the close deadline. Idempotent. */
  close(code: number, reason: string): void;
}

/** Everything one call needs. */
export interface CallDeps {
  transport: CallTransport;
  provider: ProviderDescriptor;
  agentUuid: string;
  query: Record<string, string>;
  controlPlane: ControlPlaneClient;
  bus: Bus;
  engines: AgentEngineRegistry;
  config: MediaEdgeConfig;
  metrics: EdgeMetrics;
  logger: Logger;
  /** `performance.now()` when the socket opened. */
  openedAt: number;
}

/**
 * The per-call state machine: admission → handshake → start → running → end. Socket I/O arrives
 * through {@link onFrame}/{@link onSocketClosed}; the media path lives in {@link MediaSession}.
 * Every path goes through {@link end} exactly once, which finalizes the run exactly once.
 */
export class Call {
  phase: CallPhase = 'admitting';
  runId: string | null = null;
  /** Resolves once the socket is closed, admission has settled and the run is finalized. */
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private outcome: CallOutcome | null = null;
  /** Set while an agent hangup/transfer plays out: a `stop` or close meanwhile ends the call this way. */
  private pendingEnd: CallOutcome | null = null;
  private socketOpen = true;
  private admitSettled = false;
  private finalizing = false;
  private finalizeSettled = false;
  private run: AdmittedRun | null = null;
  private start: StartEvent | null = null;
  private media: MediaSession | null = null;
  private control: Subscription | null = null;
  private handshakeTimer: NodeJS.Timeout | null = null;
  private durationTimer: NodeJS.Timeout | null = null;
  private readonly adapter: StreamAdapter;
  private readonly gate: HandshakeGate;
  private readonly stats: CallStats;
  private log: Logger;

  constructor(private readonly d: CallDeps) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.adapter = d.provider.createStreamAdapter();
    this.gate = new HandshakeGate(this.adapter, d.config.maxHandshakeFrames);
    this.stats = new CallStats(d.metrics);
    this.log = d.logger;
  }

  /** Arms the handshake deadline (from socket open) and asks the control-plane to admit the stream. */
  begin(): void {
    const remaining = Math.max(0, this.d.config.handshakeTimeoutMs - (performance.now() - this.d.openedAt));
    this.handshakeTimer = setTimeout(() => this.end(streamErrorOutcome(StreamErrorCode.HandshakeTimeout)), remaining);
    void this.admit();
  }

  onFrame(data: Buffer | string, isBinary: boolean): void {
    if (this.outcome) return;
    if (this.phase === 'running') return this.dispatch(data, isBinary);
    if (this.gate.started) return this.discardEarly(data, isBinary);
    const step = this.gate.feed(data, isBinary);
    if (step.kind === 'malformed') {
      this.log.info({ detail: step.detail }, 'malformed handshake');
      this.end(streamErrorOutcome(StreamErrorCode.MalformedHandshake));
    } else if (step.kind === 'start') {
      this.clearHandshakeTimer();
      this.start = step.start;
      if (this.phase === 'handshaking') void this.startRun(step.start);
    }
  }

  /** The socket is gone (peer close, close handshake done, or terminated). */
  onSocketClosed(protocolError: boolean): void {
    this.socketOpen = false;
    if (!this.outcome) {
      const end: CallEnd = protocolError ? 'protocol_error' : this.phase === 'running' ? 'stream_closed' : 'stream_abandoned';
      this.end(this.pendingEnd ? { ...this.pendingEnd, close: null } : callOutcome(end, { socketClosed: true }));
    }
    this.settle();
  }

  /** Edge shutdown: end now with `edge_shutdown` (close 1013). */
  shutdown(): void {
    this.end(callOutcome('edge_shutdown'));
  }

  /** Decides the outcome (first caller wins), releases everything, closes the socket, finalizes. */
  end(outcome: CallOutcome): void {
    if (this.outcome) return;
    this.outcome = outcome;
    this.phase = 'ending';
    this.log.info({ state: outcome.state, end_reason: outcome.endReason, close_code: outcome.close?.code, stats: this.stats.snapshot() }, 'call ended');
    const steps = [
      () => this.clearHandshakeTimer(),
      () => this.durationTimer && clearTimeout(this.durationTimer),
      () => this.control?.unsubscribe(),
      () => this.media?.close(),
      () => outcome.close && this.socketOpen && this.d.transport.close(outcome.close.code, outcome.close.reason),
    ];
    for (const step of steps) {
      try {
        step();
      } catch (err) {
        this.log.warn({ err }, 'call cleanup step failed');
      }
    }
    this.finalize();
  }

  private async admit(): Promise<void> {
    const { controlPlane, provider, agentUuid, query } = this.d;
    try {
      const res = await controlPlane.admit(provider.name, agentUuid, query);
      if (!res.ok) {
        this.log.info({ code: res.error.code }, 'stream not admitted');
        this.end(streamErrorOutcome(res.error.code));
        return;
      }
      this.run = res.run;
      this.runId = res.run.id;
      this.log = this.log.child({ run_id: res.run.id });
      if (this.outcome) return; // ended while admitting: finalize below
      this.control = this.d.bus.respond(Subjects.runControl(res.run.id), (data) => this.onControl(data));
      this.phase = 'handshaking';
      if (this.start) void this.startRun(this.start);
    } catch (err) {
      this.log.warn({ err }, 'admission failed');
      this.end(streamErrorOutcome(StreamErrorCode.ControlPlaneUnavailable));
    } finally {
      this.admitSettled = true;
      this.finalize();
    }
  }

  private async startRun(start: StartEvent): Promise<void> {
    this.phase = 'starting';
    this.log = this.log.child({ stream_sid: start.streamId });
    try {
      this.adapter.bind(start);
      const res = await this.d.controlPlane.start(this.runId!, start);
      if (this.outcome) return;
      if (!res.ok) {
        this.log.info({ code: res.error.code }, 'run start refused');
        return this.end(streamErrorOutcome(res.error.code));
      }
    } catch (err) {
      this.log.warn({ err }, 'run start failed');
      return this.end(streamErrorOutcome(StreamErrorCode.ControlPlaneUnavailable));
    }
    this.enterRunning(start);
  }

  private enterRunning(start: StartEvent): void {
    const run = this.run!;
    const factory = this.d.engines[run.engine.type];
    if (!factory) {
      this.log.error({ engine: run.engine.type }, 'no engine factory');
      return this.end(callOutcome('server_error', { error: 'engine_not_found' }));
    }
    try {
      const engine = factory.create({ runId: run.id, config: run.engine, logger: this.log.child({ component: 'engine' }) });
      const { config } = this.d;
      this.media = new MediaSession({
        adapter: this.adapter,
        engine,
        inbound: start.mediaFormat,
        outbound: this.adapter.outboundFormat(),
        stats: this.stats,
        logger: this.log,
        maxOutboundFrames: Math.max(1, Math.floor(config.maxOutboundBufferMs / FRAME_MS)),
        leadFrames: config.outboundLeadFrames,
        maxSocketBufferedBytes: config.maxSocketBufferedBytes,
        hooks: {
          send: (text) => this.d.transport.send(text),
          bufferedAmount: () => this.d.transport.bufferedAmount,
          hangup: (reason) => void this.agentEnd('agent_hangup', reason),
          transfer: (target) => void this.agentEnd('transfer', target),
          fail: (err) => {
            this.log.warn({ err }, 'agent engine failed');
            this.end(callOutcome('agent_error', { error: 'agent_error' }));
          },
        },
      });
    } catch (err) {
      this.log.error({ err }, 'cannot start media session');
      return this.end(callOutcome('server_error', { error: 'media_setup_failed' }));
    }
    this.phase = 'running';
    this.d.metrics.handshakeSeconds.observe((performance.now() - this.d.openedAt) / 1000);
    if (run.max_duration_ms !== null) {
      this.durationTimer = setTimeout(() => void this.agentEnd('duration_limit'), run.max_duration_ms);
    }
    this.log.info('call running');
    this.media.start();
  }

  private dispatch(data: Buffer | string, isBinary: boolean): void {
    const event = this.parse(data, isBinary);
    if (!event || !this.media) return;
    switch (event.type) {
      case 'media':
        return this.media.onMedia(event.payload);
      case 'dtmf':
        return this.media.onDtmf(event.digit);
      case 'mark':
        return this.media.onMark(event.name);
      case 'stop':
        return this.end(this.pendingEnd ?? callOutcome('caller_hangup'));
      case 'connected':
      case 'start':
        this.log.debug({ event: event.type }, 'duplicate handshake frame ignored');
        return;
      default: {
        const unreachable: never = event;
        return unreachable;
      }
    }
  }

  /** Frames after `start` but before the run is running: media is dropped, `stop` ends the call. */
  private discardEarly(data: Buffer | string, isBinary: boolean): void {
    const event = this.parse(data, isBinary);
    if (event?.type === 'media') {
      this.stats.frameIn(this.start ? payloadMs(this.start.mediaFormat, event.payload.length) : 0);
      this.stats.dropped('in', 'not_running');
    } else if (event?.type === 'stop') this.end(callOutcome('caller_hangup'));
  }

  private parse(data: Buffer | string, isBinary: boolean): CallEvent | null {
    try {
      return this.adapter.parse(data, isBinary);
    } catch (err) {
      this.log.debug({ err }, 'malformed frame ignored');
      return null;
    }
  }

  /** Agent hangup, transfer or duration limit: play out queued audio, ask the control-plane, then end. */
  private async agentEnd(kind: 'agent_hangup' | 'transfer' | 'duration_limit', arg?: string): Promise<void> {
    if (this.outcome || this.pendingEnd || this.runId === null) return;
    const pending = callOutcome(kind);
    this.pendingEnd = pending;
    this.log.info({ kind }, 'agent ending call');
    await this.media?.drain(this.d.config.maxOutboundBufferMs + this.d.config.outboundLeadFrames * FRAME_MS);
    if (this.outcome) return;
    const action = kind === 'transfer' ? 'transfer' : 'hangup';
    let ok = false;
    try {
      const res = await this.d.controlPlane.action(this.runId, action, kind === 'transfer' ? arg : undefined);
      ok = res.ok;
      if (!res.ok) this.log.warn({ action, code: res.error.code }, 'provider action refused');
    } catch (err) {
      this.log.warn({ err, action }, 'provider action failed');
    }
    if (this.outcome) return;
    if (kind === 'transfer' && !ok) {
      this.pendingEnd = null; // the call goes on with the agent
      return;
    }
    this.end(pending);
  }

  private onControl(data: unknown): RunControlResponse {
    const req = parseMessage(RunControlRequestSchema, data);
    this.log.info({ end_reason: req.end_reason }, 'control-plane ended call');
    this.end(controlEndOutcome(req.end_reason));
    return { ok: true };
  }

  private clearHandshakeTimer(): void {
    if (this.handshakeTimer !== null) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
  }

  /** Sends the finalize once an outcome and a run id exist (no run: nothing to finalize). */
  private finalize(): void {
    const outcome = this.outcome;
    if (!outcome || !this.admitSettled || this.finalizeSettled || this.finalizing) return;
    if (this.runId === null) {
      this.finalizeSettled = true;
      return this.settle();
    }
    this.finalizing = true;
    void this.d.controlPlane.finalize(this.runId, outcome, this.stats.snapshot()).then((ok) => {
      if (!ok) this.log.error('run finalize failed; the control-plane reaper will end it');
      this.finalizeSettled = true;
      this.settle();
    });
  }

  private settle(): void {
    if (this.phase === 'ended' || this.socketOpen || !this.finalizeSettled) return;
    this.phase = 'ended';
    this.resolveDone();
  }
}
