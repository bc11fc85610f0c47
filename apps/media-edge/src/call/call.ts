import {
  parseMessage,
  RunControlRequestSchema,
  StreamErrorCode,
  Subjects,
  type AdmittedRun,
  type CallEvent,
  type RunControlResponse,
  type StartEvent,
  type Subscription,
} from '@vr3/protocol';
import type { StreamAdapter } from '@vr3/providers';
import type { Logger } from 'pino';
import { callOutcome, controlEndOutcome, streamErrorOutcome, type CallEnd, type CallOutcome } from '../errors.ts';
import { FRAME_MS, payloadMs } from '../media/codecs.ts';
import { CallStats } from '../media/stats.ts';
import { playOutThenAct } from './agent-action.ts';
import { RunFinalizer } from './finalizer.ts';
import { HandshakeGate } from './handshake.ts';
import { openMediaSession, type MediaSession } from './media-session.ts';
import type { CallDeps, CallPhase } from './types.ts';

/**
 * The per-call state machine: admission → handshake → start → running → end. Socket I/O arrives
 * through {@link onFrame}/{@link onSocketClosed}; the media path lives in {@link MediaSession}.
 * Every path goes through {@link end} exactly once, which finalizes the run exactly once.
 */
export class Call {
  phase: CallPhase = 'admitting';
  runId: string | null = null;
  /** Resolves once the socket is closed and the run is finalized (or needed no finalize). */
  readonly done: Promise<void>;
  private outcome: CallOutcome | null = null;
  /** A handshake error seen while admission is in flight: acted on once the run exists. */
  private deferredEnd: CallOutcome | null = null;
  /** Set while an agent hangup/transfer plays out: a `stop` or close meanwhile ends the call this way. */
  private pendingEnd: CallOutcome | null = null;
  private socketOpen = true;
  private readonly socketClosed: Promise<void>;
  private resolveSocketClosed!: () => void;
  private readonly finalizer: RunFinalizer;
  private run: AdmittedRun | null = null;
  private media: MediaSession | null = null;
  private control: Subscription | null = null;
  private handshakeTimer: NodeJS.Timeout | null = null;
  private durationTimer: NodeJS.Timeout | null = null;
  private readonly adapter: StreamAdapter;
  private readonly gate: HandshakeGate;
  private readonly stats: CallStats;
  private log: Logger;

  constructor(private readonly d: CallDeps) {
    this.socketClosed = new Promise((resolve) => (this.resolveSocketClosed = resolve));
    this.finalizer = new RunFinalizer(d.controlPlane, () => this.stats.snapshot(), () => this.log);
    this.done = Promise.all([this.socketClosed, this.finalizer.done]).then(() => {
      this.phase = 'ended';
    });
    this.adapter = d.provider.createStreamAdapter({ query: d.query });
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
    if (this.outcome || this.deferredEnd) return;
    if (!this.gate.started) return this.handshake(data, isBinary);
    const event = this.parse(data, isBinary);
    if (event?.type === 'stop') return this.end(this.pendingEnd ?? stopOutcome(event.reason));
    if (event && this.media) return this.media.onEvent(event);
    // After `start`, before the run is running: caller audio has nowhere to go yet.
    if (event?.type === 'media') {
      this.stats.frameIn(payloadMs(this.gate.started.mediaFormat, event.payload.length));
      this.stats.dropped('in', 'not_running');
    }
  }

  /** The socket is gone (peer close, close handshake done, or terminated). */
  onSocketClosed(protocolError: boolean): void {
    this.socketOpen = false;
    if (!this.outcome) {
      const end: CallEnd = protocolError ? 'protocol_error' : this.phase === 'running' ? 'stream_closed' : 'stream_abandoned';
      this.end(this.pendingEnd ? { ...this.pendingEnd, close: null } : callOutcome(end, { socketClosed: true }));
    }
    this.resolveSocketClosed();
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
    this.finalizer.decide(outcome);
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
      if (this.deferredEnd) return this.end(this.deferredEnd);
      this.control = this.d.bus.respond(Subjects.runControl(res.run.id), (data) => this.onControl(data));
      this.phase = 'handshaking';
      if (this.gate.started) void this.startRun(this.gate.started);
    } catch (err) {
      this.log.warn({ err }, 'admission failed');
      this.end(streamErrorOutcome(StreamErrorCode.ControlPlaneUnavailable));
    } finally {
      this.finalizer.admissionSettled(this.runId);
    }
  }

  /**
   * `RunStart` (the control-plane matches the configuration when `start` names the account, and
   * validates the call), then binds the adapter with the configuration's settings, which fix the
   * negotiated formats and framing.
   */
  private async startRun(start: StartEvent): Promise<void> {
    this.phase = 'starting';
    this.log = this.log.child({ stream_sid: start.streamId });
    let settings: Readonly<Record<string, string>> | undefined;
    try {
      const res = await this.d.controlPlane.start(this.runId!, start);
      if (this.outcome) return;
      if (!res.ok) {
        this.log.info({ code: res.error.code }, 'run start refused');
        return this.end(streamErrorOutcome(res.error.code));
      }
      settings = res.settings;
    } catch (err) {
      this.log.warn({ err }, 'run start failed');
      return this.end(streamErrorOutcome(StreamErrorCode.ControlPlaneUnavailable));
    }
    try {
      this.adapter.bind(start, settings);
    } catch (err) {
      this.log.info({ err }, 'start rejected by the adapter');
      return this.end(streamErrorOutcome(StreamErrorCode.MalformedHandshake));
    }
    this.enterRunning(start);
  }

  private enterRunning(start: StartEvent): void {
    const run = this.run!;
    try {
      this.media = openMediaSession({
        run,
        start,
        adapter: this.adapter,
        engines: this.d.engines,
        config: this.d.config,
        stats: this.stats,
        logger: this.log,
        hooks: {
          send: (text) => this.d.transport.send(text),
          ...(this.d.transport.sendBytes ? { sendBytes: (bytes: Buffer) => this.d.transport.sendBytes!(bytes) } : {}),
          bufferedAmount: () => this.d.transport.bufferedAmount,
          hangup: () => void this.agentEnd('agent_hangup'),
          transfer: (target) => void this.agentEnd('transfer', target),
          fail: (err) => {
            this.log.warn({ err }, 'agent engine failed');
            this.end(callOutcome('agent_error', { error: 'agent_error' }));
          },
        },
      });
    } catch (err) {
      this.log.error({ err }, 'cannot start media session');
      return this.end(callOutcome('server_error', { error: errorCode(err) }));
    }
    this.phase = 'running';
    this.d.metrics.handshakeSeconds.observe((performance.now() - this.d.openedAt) / 1000);
    if (run.max_duration_ms !== null) {
      this.durationTimer = setTimeout(() => void this.agentEnd('duration_limit'), run.max_duration_ms);
    }
    this.log.info('call running');
    this.media.start();
  }

  private handshake(data: Buffer | string, isBinary: boolean): void {
    const step = this.gate.feed(data, isBinary);
    if (step.kind === 'malformed') {
      this.log.info({ detail: step.detail }, 'malformed handshake');
      // During admission, wait for its answer: a routing failure (1008) outranks a handshake
      // error, and a minted run exists before the provider sees the close.
      const outcome = streamErrorOutcome(StreamErrorCode.MalformedHandshake);
      if (this.phase === 'admitting') this.deferredEnd = outcome;
      else this.end(outcome);
    } else if (step.kind === 'start') {
      this.clearHandshakeTimer();
      if (this.phase === 'handshaking') void this.startRun(step.start);
    }
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
  private async agentEnd(kind: 'agent_hangup' | 'transfer' | 'duration_limit', target?: string): Promise<void> {
    if (this.outcome || this.pendingEnd || this.runId === null) return;
    const pending = callOutcome(kind);
    this.pendingEnd = pending;
    this.log.info({ kind }, 'agent ending call');
    const { config, controlPlane } = this.d;
    const proceed = await playOutThenAct({
      controlPlane,
      media: this.media,
      runId: this.runId,
      action: kind === 'transfer' ? 'transfer' : 'hangup',
      target,
      drainTimeoutMs: config.maxOutboundBufferMs + config.outboundLeadFrames * FRAME_MS,
      log: this.log,
      ended: () => this.outcome !== null,
    });
    if (proceed) this.end(pending);
    else if (!this.outcome) this.pendingEnd = null; // a refused transfer: the call goes on
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
}

/** `stop` from the provider: the caller (or the provider's flow) ended the call; its reason is kept. */
function stopOutcome(reason: string | undefined): CallOutcome {
  const outcome = callOutcome('caller_hangup');
  return reason === undefined ? outcome : { ...outcome, stopReason: reason.slice(0, 64) };
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'internal';
}
