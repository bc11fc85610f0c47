import type { AgentIO, AgentSession, ClearResult, EngineRegistry, SessionCloseInfo } from '@vr3/agent';
import type { AdmittedRun, CallEvent, MediaFormat, RunEventType, StartEvent } from '@vr3/protocol';
import type { OutboundFraming, StreamAdapter } from '@vr3/providers';
import type { Logger } from 'pino';
import type { MediaEdgeConfig } from '../config.ts';
import { payloadMs } from '../media/codecs.ts';
import { OutboundPacer, type PacerSink } from '../media/pacer.ts';
import { EdgePlaybackClock } from '../media/playback-clock.ts';
import { PlaybackTracker } from '../media/playback.ts';
import type { CallStats } from '../media/stats.ts';
import { InboundTranscoder, OutboundTranscoder } from '../media/transcoder.ts';
import type { MediaRecorder } from '../recording/call-recording.ts';
import { buildCallInfo, createEngineSession } from './engine-session.ts';

/** What a {@link MediaSession} needs from its call. */
export interface MediaSessionHooks {
  /** Sends one text frame on the provider socket. */
  send(text: string): void;
  /** Sends one text frame given as its UTF-8 bytes (optional; `send` is used without it). */
  sendBytes?(bytes: Buffer): void;
  /** `ws.bufferedAmount` of the provider socket. */
  bufferedAmount(): number;
  hangup(reason: string | undefined): void;
  transfer(target: string): void;
  /** The engine failed (called once; the session is halted by then). */
  fail(err: Error): void;
  /** A run event for the call's queue (`emit`, and `setContext` as a `context` event). */
  emit(type: RunEventType, data: unknown): void;
}

/** Options of {@link MediaSession}. */
export interface MediaSessionOptions {
  adapter: StreamAdapter;
  engine: AgentSession;
  /** Fired when the call ends, before `engine.close`. */
  controller: AbortController;
  /** Wire format of caller audio. */
  inbound: MediaFormat;
  /** Wire format of outbound audio. */
  outbound: MediaFormat;
  /** Outbound message size and duration (Exotel: ≥ 3200 B chunks). */
  framing: OutboundFraming;
  stats: CallStats;
  logger: Logger;
  hooks: MediaSessionHooks;
  maxOutboundFrames: number;
  leadFrames: number;
  maxSocketBufferedBytes: number;
  /** Longest wait for `engine.close()`. */
  engineCloseTimeoutMs: number;
  /** Monotonic milliseconds, shared by the pacer and the playback clock. */
  now?: () => number;
  /** Records both directions as they cross the provider socket (the agent opted in to recording). */
  recorder?: MediaRecorder | null;
}

/** What {@link openMediaSession} needs. */
export interface OpenMediaSessionOptions {
  run: AdmittedRun;
  start: StartEvent;
  /** The stream URL's query (numbers and call id where `start` lacks them). Never logged. */
  query?: Readonly<Record<string, string>>;
  adapter: StreamAdapter;
  engines: EngineRegistry;
  config: MediaEdgeConfig;
  stats: CallStats;
  logger: Logger;
  hooks: MediaSessionHooks;
  recorder?: MediaRecorder | null;
}

/**
 * Validates the run's engine configuration, creates the engine session with its call context and
 * the media session around it (not yet started). Throws `MediaEdgeError` (`engine_not_found`,
 * `invalid_engine_config`, `engine_failed` with the engine's error as cause,
 * `unsupported_media_format`).
 */
export function openMediaSession(o: OpenMediaSessionOptions): MediaSession {
  const call = buildCallInfo(o.run, o.start, o.adapter.inboundFormat(), o.query);
  const { session, controller } = createEngineSession({ engines: o.engines, run: o.run, call, logger: o.logger });
  try {
    return new MediaSession({
      adapter: o.adapter,
      engine: session,
      controller,
      inbound: o.adapter.inboundFormat(),
      outbound: o.adapter.outboundFormat(),
      framing: o.adapter.outboundFraming(),
      stats: o.stats,
      logger: o.logger,
      hooks: o.hooks,
      maxOutboundFrames: Math.max(1, Math.floor(o.config.maxOutboundBufferMs / o.adapter.outboundFraming().chunkMs)),
      leadFrames: o.config.outboundLeadFrames,
      maxSocketBufferedBytes: o.config.maxSocketBufferedBytes,
      engineCloseTimeoutMs: o.config.engineCloseTimeoutMs,
      recorder: o.recorder ?? null,
    });
  } catch (err) {
    controller.abort();
    try {
      void Promise.resolve(session.close({ endReason: 'server_error' })).catch(() => undefined);
    } catch {
      // the session never ran: nothing more to release
    }
    throw err;
  }
}

/**
 * The running half of a call: provider audio ⇄ transcoders ⇄ engine session. Owns the session,
 * both transcoders, the outbound pacer, the playback tracker and clock, and implements the
 * session's {@link AgentIO}. Knows nothing of sockets or the bus: it talks to its call through
 * {@link MediaSessionHooks}.
 *
 * States: live → halted (the engine failed: nothing more reaches it, its audio stops) → closed.
 */
export class MediaSession implements PacerSink {
  readonly io: AgentIO;
  readonly clock: EdgePlaybackClock;
  private readonly inbound: InboundTranscoder;
  private readonly outbound: OutboundTranscoder;
  private readonly pacer: OutboundPacer;
  private readonly playback: PlaybackTracker;
  /** The engine failed or the call ended: nothing reaches it, nothing it does has an effect. */
  private halted = false;
  private closed = false;
  /** Run events are taken until the engine's close settled (it may report its last words there). */
  private eventsOpen = true;
  private closing: Promise<void> | null = null;
  private drainTimer: NodeJS.Timeout | null = null;
  private drainDone: (() => void) | null = null;
  private readonly inboundMsPerByte: number;
  private readonly sessionMsPerByte: number;
  private readonly chunkMs: number;
  /** Outbound media goes as bytes (adapter and socket both support it): no string per frame. */
  private readonly mediaAsBytes: boolean;

  constructor(private readonly o: MediaSessionOptions) {
    const format = o.engine.format;
    this.inbound = new InboundTranscoder(o.inbound, format);
    this.outbound = new OutboundTranscoder(format, o.outbound, o.framing.chunkBytes);
    this.inboundMsPerByte = payloadMs(o.inbound, 1);
    this.sessionMsPerByte = payloadMs(format, 1);
    this.chunkMs = o.framing.chunkMs;
    this.mediaAsBytes = o.adapter.mediaBytes !== undefined && o.hooks.sendBytes !== undefined;
    const now = o.now ?? (() => performance.now());
    this.pacer = new OutboundPacer(this, { maxFrames: o.maxOutboundFrames, leadFrames: o.leadFrames, frameMs: o.framing.chunkMs, now });
    this.playback = new PlaybackTracker({ onPlayed: (name) => this.onPlayed(name) });
    this.clock = new EdgePlaybackClock(
      {
        queuedMs: () => this.pacer.queuedFrames * this.chunkMs + this.outbound.bufferedMs,
        playoutRemainingMs: () => this.pacer.playoutRemainingMs(),
      },
      now,
    );
    const hooks = o.hooks;
    this.io = {
      sendAudio: (audio) => this.sendAgentAudio(audio),
      clear: () => this.clear(),
      mark: (name) => this.mark(name),
      hangup: (reason) => {
        if (!this.halted) hooks.hangup(reason);
      },
      transfer: (target) => {
        if (!this.halted) hooks.transfer(target);
      },
      fail: (err) => this.fail(err),
      emit: (event) => {
        if (this.eventsOpen) hooks.emit(event.type, event.data);
      },
      setContext: (values) => {
        if (this.eventsOpen) hooks.emit('context', values);
      },
      dropped: (frames = 1) => {
        if (!this.closed && frames >= 1) o.stats.dropped('in', 'agent_backpressure', Math.floor(frames));
      },
      playback: this.clock,
    };
  }

  /** The session's audio format. */
  get format(): MediaFormat {
    return this.o.engine.format;
  }

  /**
   * Starts the engine (a throw or rejection fails the call), then hands it the caller audio that
   * arrived before the run was running, oldest first.
   */
  start(early: readonly Uint8Array[] = []): void {
    try {
      const started = this.o.engine.start(this.io);
      if (started instanceof Promise) started.catch((err: unknown) => this.fail(asError(err)));
    } catch (err) {
      this.fail(asError(err));
    }
    for (const payload of early) {
      this.o.recorder?.caller(payload);
      this.deliver(payload);
    }
  }

  /** One inbound event while running (`stop` is the call's business; handshake repeats are ignored). */
  onEvent(event: CallEvent): void {
    switch (event.type) {
      case 'media':
        return this.onMedia(event.payload);
      case 'dtmf':
        return this.guard(() => this.o.engine.onDtmf(event.digit));
      case 'mark':
        if (this.halted) return;
        this.clock.acked(event.name);
        return this.playback.acked(event.name);
      case 'cleared':
        return this.playback.cleared();
      case 'connected':
      case 'start':
      case 'stop':
        return;
      default: {
        const unreachable: never = event;
        return unreachable;
      }
    }
  }

  /**
   * Plays out what is queued (a partial frame padded with silence), then waits until the provider
   * should have played it; resolves after at most `maxWaitMs`, or at once when the session closes.
   */
  drain(maxWaitMs: number): Promise<void> {
    if (this.halted) return Promise.resolve();
    this.finishDrain();
    this.flushPartialFrame();
    return new Promise<void>((resolve) => {
      this.drainDone = resolve;
      this.drainTimer = setTimeout(() => this.finishDrain(), maxWaitMs);
      this.pacer.whenIdle(() => {
        if (this.drainDone !== resolve) return;
        if (this.drainTimer !== null) clearTimeout(this.drainTimer);
        this.drainTimer = setTimeout(() => this.finishDrain(), this.pacer.playoutRemainingMs());
      });
    });
  }

  /** The engine failed: nothing more reaches it and its queued audio is dropped. Idempotent. */
  halt(): void {
    if (this.halted) return;
    this.halted = true;
    this.finishDrain();
    this.pacer.stop();
  }

  /**
   * The call ended: stops playout, fires the session's signal, calls `engine.close(info)` once and
   * resolves when it settled or after the engine close deadline, whichever comes first. Idempotent
   * (every call returns the same promise); every step runs even if one throws; never rejects.
   */
  close(info: SessionCloseInfo): Promise<void> {
    this.closing ??= this.closeOnce(info);
    return this.closing;
  }

  /** {@link PacerSink}: one paced frame to the socket, unless the socket is backed up. */
  sendAudio(frame: Buffer): void {
    if (this.halted) return;
    if (this.o.hooks.bufferedAmount() > this.o.maxSocketBufferedBytes) {
      this.o.stats.dropped('out', 'socket_backpressure');
      this.clock.discarded(this.chunkMs);
      return;
    }
    if (this.mediaAsBytes) this.o.hooks.sendBytes!(this.o.adapter.mediaBytes!(frame));
    else this.o.hooks.send(this.o.adapter.media(frame));
    this.o.stats.frameOut(this.chunkMs);
    this.o.recorder?.agent(frame);
  }

  /** {@link PacerSink} */
  sendMark(name: string): void {
    if (this.halted) return;
    this.o.hooks.send(this.o.adapter.mark(name));
    this.playback.sent(name, this.pacer.playoutRemainingMs());
  }

  /** {@link PacerSink}: the bounded queue dropped its oldest frame. */
  dropped(): void {
    this.o.stats.dropped('out', 'queue_full');
    this.clock.discarded(this.chunkMs);
  }

  private async closeOnce(info: SessionCloseInfo): Promise<void> {
    this.closed = true;
    const steps = [() => this.halt(), () => this.playback.close(), () => this.o.controller.abort()];
    for (const step of steps) {
      try {
        step();
      } catch (err) {
        this.o.logger.warn({ err }, 'media session cleanup step failed');
      }
    }
    let result: void | Promise<void> = undefined;
    try {
      result = this.o.engine.close(info);
    } catch (err) {
      this.o.logger.warn({ error: errorName(err) }, 'engine close failed');
    }
    if (result instanceof Promise) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.o.engineCloseTimeoutMs)));
      const settled = result.then(
        () => 'closed' as const,
        (err: unknown) => {
          this.o.logger.warn({ error: errorName(err) }, 'engine close failed');
          return 'closed' as const;
        },
      );
      const how = await Promise.race([settled, deadline]);
      clearTimeout(timer);
      if (how === 'timeout') this.o.logger.warn({ engine_close_timeout_ms: this.o.engineCloseTimeoutMs }, 'engine close deadline passed');
    }
    this.eventsOpen = false;
  }

  /** Hot path: no per-frame closures. */
  private onMedia(payload: Buffer): void {
    if (this.closed) return;
    this.o.stats.frameIn(this.inboundMsPerByte * payload.length);
    this.o.recorder?.caller(payload);
    this.deliver(payload);
  }

  /** Caller audio through the inbound transcoder to the engine. */
  private deliver(payload: Uint8Array): void {
    if (this.halted) return;
    const audio = this.inbound.process(payload);
    if (audio.length === 0) return;
    try {
      this.o.engine.onAudio(audio);
    } catch (err) {
      this.fail(asError(err));
    }
  }

  private fail(err: Error): void {
    if (this.halted) return;
    this.halt();
    this.o.hooks.fail(err);
  }

  /** The provider played (or dropped) everything before marker `name`: the engine learns it once. */
  private onPlayed(name: string): void {
    this.guard(() => this.o.engine.onPlayed(name));
  }

  private sendAgentAudio(audio: Uint8Array): void {
    if (this.halted) return;
    this.clock.accepted(audio.length * this.sessionMsPerByte);
    this.outbound.write(audio, this.pacer);
  }

  private mark(name: string): void {
    if (this.halted) return;
    this.flushPartialFrame();
    this.clock.marked(name);
    this.pacer.pushMark(name);
  }

  private clear(): ClearResult {
    if (this.halted) return { heardMs: this.clock.heardMs(), discardedMs: 0 };
    // The clock reads the queue before it is dropped: what was not heard yet is what the clear cuts off.
    const result = this.clock.clear();
    this.outbound.reset();
    const unsent = this.pacer.clear();
    this.o.recorder?.clear();
    this.o.hooks.send(this.o.adapter.clear());
    // Marks already sent settle when the provider confirms the clear (or after a timeout); marks
    // never sent count as played (cleared) right after them, never before the engine's clear() returns.
    this.playback.clear(unsent);
    return result;
  }

  private flushPartialFrame(): void {
    const partial = this.outbound.flush();
    if (partial) this.pacer.pushAudio(partial);
  }

  private finishDrain(): void {
    if (this.drainTimer !== null) clearTimeout(this.drainTimer);
    this.drainTimer = null;
    const done = this.drainDone;
    this.drainDone = null;
    done?.();
  }

  private guard(fn: () => void): void {
    if (this.halted) return;
    try {
      fn();
    } catch (err) {
      this.fail(asError(err));
    }
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error('engine failure', { cause: err });
}

/** An error's class name, for logs: an engine's messages may quote its remote end or its configuration. */
function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
