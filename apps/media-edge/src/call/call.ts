import {
  CloseInitiator,
  parseMessage,
  RunControlRequestSchema,
  StreamErrorCode,
  Subjects,
  toCloseReason,
  type AdmittedRun,
  type CallEvent,
  type RunClose,
  type RunControlResponse,
  type StartEvent,
  type Subscription,
} from '@vr3/protocol';
import { failureEndReason, type EngineErrorCode } from '@vr3/agent';
import type { StreamAdapter } from '@vr3/providers';
import type { Logger } from 'pino';
import { TokenBucket } from '../admission/token-bucket.ts';
import { callOutcome, controlEndOutcome, MediaEdgeError, MediaEdgeErrorCode, streamErrorOutcome, type CallEnd, type CallOutcome } from '../errors.ts';
import { FRAME_MS, payloadBytes, payloadMs } from '../media/codecs.ts';
import { EarlyAudioBuffer } from '../media/early-audio.ts';
import { CallStats } from '../media/stats.ts';
import { playOutThenAct } from './agent-action.ts';
import { RunFinalizer } from './finalizer.ts';
import { HandshakeGate } from './handshake.ts';
import { openMediaSession, type MediaSession } from './media-session.ts';
import type { CallRecording } from '../recording/call-recording.ts';
import { RunEventQueue } from './run-events.ts';
import type { CallDeps, CallPhase } from './types.ts';

/** Ways the agent side ends a call: its hangup or transfer, the run's duration limit, or an engine failure. */
type AgentEnd = 'agent_hangup' | 'transfer' | 'duration_limit' | EngineErrorCode;

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
  /** How the socket closed, when it closed before the call decided its outcome (the peer, or `ws`, closed it). */
  private socketClose: RunClose | null = null;
  private readonly socketClosed: Promise<void>;
  private resolveSocketClosed!: () => void;
  private readonly finalizer: RunFinalizer;
  private run: AdmittedRun | null = null;
  private media: MediaSession | null = null;
  /** The call's recording (the agent opted in and the edge stores recordings). */
  private recording: CallRecording | null = null;
  /** Caller audio between `start` and `running`, handed to the engine when it starts. */
  private early: EarlyAudioBuffer | null = null;
  private events: RunEventQueue | null = null;
  private control: Subscription | null = null;
  private handshakeTimer: NodeJS.Timeout | null = null;
  private handshakeOver = false;
  private durationTimer: NodeJS.Timeout | null = null;
  private readonly adapter: StreamAdapter;
  private readonly gate: HandshakeGate;
  private readonly stats: CallStats;
  /** Inbound frames allowed: a provider over `maxInboundFramesPerSecond` (plus the burst) is cut off. */
  private readonly frameBudget: TokenBucket;
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
    this.frameBudget = new TokenBucket(d.config.maxInboundFramesPerSecond, d.config.inboundFrameBurst, d.openedAt);
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
    if (!this.frameBudget.take(performance.now())) return this.flooded();
    if (!this.gate.started) return this.handshake(data, isBinary);
    const event = this.parse(data, isBinary);
    if (event?.type === 'stop') return this.end(this.pendingEnd ?? stopOutcome(event.reason));
    if (event && this.media) return this.media.onEvent(event);
    // After `start`, before the run is running: caller audio waits (bounded) for the engine.
    if (event?.type === 'media') this.keepEarly(event.payload);
  }

  /** The socket is gone (peer close, close handshake done, or terminated); `close`: its first close. */
  onSocketClosed(protocolError: boolean, close: RunClose): void {
    this.socketOpen = false;
    if (!this.outcome) {
      this.socketClose = close;
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
    let engineClosed: Promise<void> | undefined;
    const steps = [
      () => this.settleHandshake(),
      () => this.durationTimer && clearTimeout(this.durationTimer),
      () => this.control?.unsubscribe(),
      () => this.dropEarly(),
      () => {
        const info = outcome.stopReason === undefined ? { endReason: outcome.endReason } : { endReason: outcome.endReason, stopReason: outcome.stopReason };
        engineClosed = this.media?.close(info);
      },
      // After the media session stopped: the recording holds what crossed the socket until now.
      () => this.recording && this.d.recordings?.complete(this.runId!, this.recording),
      () => outcome.close && this.socketOpen && this.d.transport.close(outcome.close.code, outcome.close.reason),
    ];
    for (const step of steps) {
      try {
        step();
      } catch (err) {
        this.log.warn({ err }, 'call cleanup step failed');
      }
    }
    // A stream that never got a run (refused, or gone during admission) is counted, not logged, at info.
    const level = this.runId === null ? 'debug' : 'info';
    const close = this.runClose(outcome);
    this.log[level]({ state: outcome.state, end_reason: outcome.endReason, close_code: close?.code, close_initiator: close?.initiator, stats: this.stats.snapshot() }, 'call ended');
    if (engineClosed === undefined && this.events === null) this.finalizer.decide(outcome, close);
    else void this.finalizeAfter(outcome, engineClosed);
  }

  /** What the run records of the socket's close: the close frame this outcome sends, else the one the socket closed with. */
  private runClose(outcome: CallOutcome): RunClose | null {
    if (outcome.close) return { code: outcome.close.code, reason: toCloseReason(outcome.close.reason), initiator: CloseInitiator.Edge };
    return this.socketClose;
  }

  /**
   * The run is finalized after the engine closed (or its close deadline passed) and its run events
   * were flushed (or their deadline passed): stored events precede the terminal state.
   */
  private async finalizeAfter(outcome: CallOutcome, engineClosed: Promise<void> | undefined): Promise<void> {
    try {
      await engineClosed;
      await this.events?.close(this.d.config.runEventsFlushTimeoutMs);
    } catch (err) {
      this.log.warn({ err }, 'call cleanup step failed');
    }
    this.finalizer.decide(outcome, this.runClose(outcome));
  }

  private async admit(): Promise<void> {
    const { controlPlane, provider, agentUuid, query } = this.d;
    try {
      const res = await controlPlane.admit(provider.name, agentUuid, query);
      if (!res.ok) {
        // Logged in aggregate by the edge (one line per code and source address per interval).
        this.log.debug({ code: res.error.code }, 'stream not admitted');
        this.d.admissionRefused?.(res.error.code);
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
      const res = await this.d.controlPlane.start(this.runId!, start, this.d.upgrade, this.run?.replica);
      if (this.outcome) return;
      if (!res.ok) {
        this.log.info({ code: res.error.code }, 'run start refused');
        return this.end(streamErrorOutcome(res.error.code));
      }
      settings = res.settings;
      // `start` may have filled what the URL lacked (the numbers): the engine sees the run's context as stored.
      if (res.initial_context !== undefined) this.run = { ...this.run!, initial_context: res.initial_context };
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
    const { config, controlPlane } = this.d;
    const events = new RunEventQueue({
      send: (batch) => controlPlane.events(run.id, batch),
      maxEvents: config.maxQueuedRunEvents,
      maxBytes: config.maxQueuedRunEventBytes,
      retryBackoffMs: config.runEventsRetryBackoffMs,
      metrics: this.d.metrics,
      logger: this.log,
    });
    this.events = events;
    this.recording = run.recording === true ? this.openRecording(run.id) : null;
    try {
      this.media = openMediaSession({
        run,
        start,
        query: this.d.query,
        adapter: this.adapter,
        engines: this.d.engines,
        config,
        stats: this.stats,
        logger: this.log,
        recorder: this.recording,
        hooks: {
          send: (text) => this.d.transport.send(text),
          ...(this.d.transport.sendBytes ? { sendBytes: (bytes: Buffer) => this.d.transport.sendBytes!(bytes) } : {}),
          bufferedAmount: () => this.d.transport.bufferedAmount,
          hangup: () => void this.agentEnd('agent_hangup'),
          transfer: (target) => void this.agentEnd('transfer', target),
          fail: (err) => this.engineFailed(err),
          emit: (type, data) => events.push(type, data),
        },
      });
    } catch (err) {
      if (err instanceof MediaEdgeError && err.code === MediaEdgeErrorCode.EngineFailed) return this.engineFailed(err.cause);
      // Codes and paths only: the engine configuration carries secrets.
      this.log.error({ code: errorCode(err), detail: err instanceof MediaEdgeError ? err.message : undefined }, 'cannot start media session');
      return this.end(callOutcome('server_error', { error: errorCode(err) }));
    }
    this.phase = 'running';
    this.d.metrics.handshakeSeconds.observe((performance.now() - this.d.openedAt) / 1000);
    if (run.max_duration_ms !== null) {
      this.durationTimer = setTimeout(() => void this.agentEnd('duration_limit'), run.max_duration_ms);
    }
    this.log.info({ engine: run.engine.type, early_audio_frames: this.early?.size ?? 0 }, 'call running');
    const early = this.early?.take() ?? [];
    this.early = null;
    this.media.start(early);
  }

  /** The agent opted in to recording: a recording in the spool dir, or none (logged) when this edge stores none. */
  private openRecording(runId: string): CallRecording | null {
    if (!this.d.recordings) {
      this.log.warn('call recording requested but this edge has no recording storage (VR3_RECORDINGS_*)');
      return null;
    }
    return this.d.recordings.open(runId, this.adapter.inboundFormat(), this.adapter.outboundFormat(), () => performance.now());
  }

  /**
   * The provider sent frames faster than the per-call cap: it stops being read, the stream closes
   * 1008 and the run fails `frame_rate_exceeded`, with a `log` run event saying why when the call
   * was running (its events are flushed before the run is finalized).
   */
  private flooded(): void {
    const { maxInboundFramesPerSecond: limit, inboundFrameBurst: burst } = this.d.config;
    this.log.warn({ limit_per_s: limit, burst, phase: this.phase }, 'provider frame rate exceeded: stream cut off');
    this.events?.push('log', {
      level: 'error',
      reason: 'frame_rate_exceeded',
      message: 'the provider sent frames faster than allowed and the stream was cut off',
      limit_per_s: limit,
      burst,
    });
    this.d.transport.pause?.();
    this.end(callOutcome('frame_rate_exceeded', { error: 'frame_rate_exceeded' }));
  }

  /** Caller audio after `start`, before `running`: counted, and kept within the early-audio bound. */
  private keepEarly(payload: Buffer): void {
    const format = this.gate.started!.mediaFormat;
    this.stats.frameIn(payloadMs(format, payload.length));
    if (this.early === null) {
      const maxBytes = Math.floor(payloadBytes(format, this.d.config.earlyAudioMaxMs));
      if (maxBytes === 0) return this.stats.dropped('in', 'not_running');
      this.early = new EarlyAudioBuffer(maxBytes);
    }
    const dropped = this.early.push(payload);
    if (dropped > 0) this.stats.dropped('in', 'early_audio_overflow', dropped);
  }

  /** The call ends before its engine started: the early audio is lost. */
  private dropEarly(): void {
    const early = this.early;
    this.early = null;
    if (early && early.size > 0) this.stats.dropped('in', 'not_running', early.size);
  }

  /**
   * The engine failed (`fail()`, a throw, a rejected `start`, or `createSession` throwing): the
   * provider hangs up (`RunAction hangup`, no playout wait: the engine's audio stops at once), then
   * the stream closes 1011 and the run fails with the engine's end reason.
   */
  private engineFailed(err: unknown): void {
    const reason = failureEndReason(err);
    // The code and class only: an engine's messages may quote its remote end or its configuration.
    this.log.warn({ code: reason, error: err instanceof Error ? err.name : typeof err }, 'agent engine failed');
    this.media?.halt();
    this.dropEarly();
    void this.agentEnd(reason);
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
      this.settleHandshake();
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

  /**
   * Agent hangup, transfer or duration limit: play out queued audio, ask the control-plane, then
   * end. An engine failure asks for the hangup at once. A `stop` or socket close meanwhile ends the
   * call with this outcome.
   */
  private async agentEnd(kind: AgentEnd, target?: string): Promise<void> {
    if (this.outcome || this.pendingEnd || this.runId === null) return;
    const failure = kind !== 'agent_hangup' && kind !== 'transfer' && kind !== 'duration_limit';
    const pending = callOutcome(kind, failure ? { error: kind } : {});
    this.pendingEnd = pending;
    this.log.info({ kind }, 'agent ending call');
    const { config, controlPlane } = this.d;
    const proceed = await playOutThenAct({
      controlPlane,
      media: failure ? null : this.media,
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

  /** `start` arrived or the call ended: the deadline is disarmed and the pending handshake released (once). */
  private settleHandshake(): void {
    if (this.handshakeOver) return;
    this.handshakeOver = true;
    if (this.handshakeTimer !== null) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
    this.d.handshakeSettled();
  }
}

/** `stop` from the provider: the caller (or the provider's flow) ended the call; its reason is kept (64 UTF-16 units at most, never half a surrogate pair). */
function stopOutcome(reason: string | undefined): CallOutcome {
  const outcome = callOutcome('caller_hangup');
  if (reason === undefined) return outcome;
  const last = reason.charCodeAt(63); // a high surrogate here would be cut from its pair
  const cut = reason.length > 64 && last >= 0xd800 && last <= 0xdbff ? 63 : 64;
  return { ...outcome, stopReason: reason.slice(0, cut) };
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'internal';
}
