import type { AdmittedRun, CallEvent, MediaFormat, StartEvent } from '@vr3/protocol';
import type { OutboundFraming, StreamAdapter } from '@vr3/providers';
import type { Logger } from 'pino';
import type { MediaEdgeConfig } from '../config.ts';
import type { AgentEngineRegistry, AgentIO, AgentSession } from '../engine/types.ts';
import { MediaEdgeError, MediaEdgeErrorCode } from '../errors.ts';
import { payloadMs } from '../media/codecs.ts';
import { OutboundPacer, type PacerSink } from '../media/pacer.ts';
import { PlaybackTracker } from '../media/playback.ts';
import type { CallStats } from '../media/stats.ts';
import { InboundTranscoder, OutboundTranscoder } from '../media/transcoder.ts';

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
  fail(err: unknown): void;
}

/** Options of {@link MediaSession}. */
export interface MediaSessionOptions {
  adapter: StreamAdapter;
  engine: AgentSession;
  inbound: MediaFormat;
  outbound: MediaFormat;
  /** Outbound message size and duration (Exotel: ≥ 3200 B chunks). */
  framing: OutboundFraming;
  stats: CallStats;
  logger: Logger;
  hooks: MediaSessionHooks;
  maxOutboundFrames: number;
  leadFrames: number;
  maxSocketBufferedBytes: number;
}

/** What {@link openMediaSession} needs. */
export interface OpenMediaSessionOptions {
  run: AdmittedRun;
  start: StartEvent;
  adapter: StreamAdapter;
  engines: AgentEngineRegistry;
  config: MediaEdgeConfig;
  stats: CallStats;
  logger: Logger;
  hooks: MediaSessionHooks;
}

/**
 * Creates the run's engine session and the media session around it (not yet started).
 * Throws `MediaEdgeError(engine_not_found | unsupported_media_format)`, or whatever the engine
 * factory throws.
 */
export function openMediaSession(o: OpenMediaSessionOptions): MediaSession {
  const factory = o.engines[o.run.engine.type];
  if (!factory) throw new MediaEdgeError(MediaEdgeErrorCode.EngineNotFound, `no engine factory for ${o.run.engine.type}`);
  const engine = factory.create({ runId: o.run.id, config: o.run.engine, logger: o.logger.child({ component: 'engine' }) });
  try {
    return new MediaSession({
      adapter: o.adapter,
      engine,
      inbound: o.adapter.inboundFormat(),
      outbound: o.adapter.outboundFormat(),
      framing: o.adapter.outboundFraming(),
      stats: o.stats,
      logger: o.logger,
      hooks: o.hooks,
      maxOutboundFrames: Math.max(1, Math.floor(o.config.maxOutboundBufferMs / o.adapter.outboundFraming().chunkMs)),
      leadFrames: o.config.outboundLeadFrames,
      maxSocketBufferedBytes: o.config.maxSocketBufferedBytes,
    });
  } catch (err) {
    engine.close();
    throw err;
  }
}

/**
 * The running half of a call: provider audio ⇄ codec ⇄ agent engine. Owns the engine session,
 * both transcoders and the outbound pacer, and implements the engine's {@link AgentIO}.
 * Knows nothing of sockets or the bus: it talks to its call through {@link MediaSessionHooks}.
 */
export class MediaSession implements PacerSink {
  private readonly inbound: InboundTranscoder;
  private readonly outbound: OutboundTranscoder;
  private readonly pacer: OutboundPacer;
  private readonly playback: PlaybackTracker;
  private closed = false;
  private drainTimer: NodeJS.Timeout | null = null;
  private drainDone: (() => void) | null = null;
  private readonly inboundMsPerByte: number;
  /** Outbound media goes as bytes (adapter and socket both support it): no string per frame. */
  private readonly mediaAsBytes: boolean;
  readonly io: AgentIO;

  constructor(private readonly o: MediaSessionOptions) {
    this.inbound = new InboundTranscoder(o.inbound, o.engine.sampleRate);
    this.inboundMsPerByte = payloadMs(o.inbound, 1);
    this.mediaAsBytes = o.adapter.mediaBytes !== undefined && o.hooks.sendBytes !== undefined;
    this.outbound = new OutboundTranscoder(o.engine.sampleRate, o.outbound, o.framing.chunkBytes);
    this.pacer = new OutboundPacer(this, { maxFrames: o.maxOutboundFrames, leadFrames: o.leadFrames, frameMs: o.framing.chunkMs });
    this.playback = new PlaybackTracker({ onPlayed: (name) => this.onPlayed(name) });
    this.io = {
      sendAudio: (pcm) => this.sendPcm(pcm),
      clear: () => this.clear(),
      mark: (name) => this.mark(name),
      hangup: (reason) => {
        if (!this.closed) o.hooks.hangup(reason);
      },
      transfer: (target) => {
        if (!this.closed) o.hooks.transfer(target);
      },
      fail: (err) => {
        if (!this.closed) o.hooks.fail(err);
      },
    };
  }

  /** Starts the engine; a throw or rejection fails the call. */
  start(): void {
    try {
      const started = this.o.engine.start(this.io);
      if (started instanceof Promise) started.catch((err: unknown) => this.io.fail(asError(err)));
    } catch (err) {
      this.io.fail(asError(err));
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

  /** Hot path: no per-frame closures. */
  private onMedia(payload: Buffer): void {
    if (this.closed) return;
    this.o.stats.frameIn(this.inboundMsPerByte * payload.length);
    const pcm = this.inbound.process(payload);
    if (pcm.length === 0) return;
    try {
      this.o.engine.onAudio(pcm);
    } catch (err) {
      this.io.fail(asError(err));
    }
  }

  /** The provider played (or dropped) everything before marker `name`: the engine learns it once. */
  private onPlayed(name: string): void {
    this.guard(() => this.o.engine.onPlayed(name));
  }

  /**
   * Plays out what is queued (a partial frame padded with silence), then waits until the provider
   * should have played it; resolves after at most `maxWaitMs`, or at once when the session closes.
   */
  drain(maxWaitMs: number): Promise<void> {
    if (this.closed) return Promise.resolve();
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

  /** Stops playout and closes the engine session. Idempotent; every step runs even if one throws. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.finishDrain();
    this.pacer.stop();
    this.playback.close();
    try {
      this.o.engine.close();
    } catch (err) {
      this.o.logger.warn({ err }, 'engine close failed');
    }
  }

  /** {@link PacerSink}: one paced frame to the socket, unless the socket is backed up. */
  sendAudio(frame: Buffer): void {
    if (this.closed) return;
    if (this.o.hooks.bufferedAmount() > this.o.maxSocketBufferedBytes) {
      this.o.stats.dropped('out', 'socket_backpressure');
      return;
    }
    if (this.mediaAsBytes) this.o.hooks.sendBytes!(this.o.adapter.mediaBytes!(frame));
    else this.o.hooks.send(this.o.adapter.media(frame));
    this.o.stats.frameOut(this.o.framing.chunkMs);
  }

  /** {@link PacerSink} */
  sendMark(name: string): void {
    if (this.closed) return;
    this.o.hooks.send(this.o.adapter.mark(name));
    this.playback.sent(name, this.pacer.playoutRemainingMs());
  }

  /** {@link PacerSink} */
  dropped(): void {
    this.o.stats.dropped('out', 'queue_full');
  }

  private sendPcm(pcm: Int16Array): void {
    if (this.closed) return;
    this.outbound.write(pcm, this.pacer);
  }

  private mark(name: string): void {
    if (this.closed) return;
    this.flushPartialFrame();
    this.pacer.pushMark(name);
  }

  private clear(): void {
    if (this.closed) return;
    this.outbound.reset();
    const unsent = this.pacer.clear();
    this.o.hooks.send(this.o.adapter.clear());
    // Marks already sent settle when the provider confirms the clear (or after a timeout); marks
    // never sent count as played (cleared) right after them, never before the engine's clear() returns.
    this.playback.clear(unsent);
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
    if (this.closed) return;
    try {
      fn();
    } catch (err) {
      this.io.fail(asError(err));
    }
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error('engine failure', { cause: err });
}
