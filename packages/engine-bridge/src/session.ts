import type { AgentIO, AgentSession, EngineLogger, SessionCloseInfo, SessionContext } from '@vr3/agent';
import type { MediaFormat } from '@vr3/protocol';
import { BotSocket } from './bot-socket.ts';
import type { BotSocketEvents, ConnectFailure } from './bot-socket.ts';
import { CallerQueue } from './caller-queue.ts';
import { BRIDGE_FAILURES, bridgeFailure } from './errors.ts';
import type { BridgeFailureReason, FailureDetail } from './errors.ts';
import { FrameRateLimiter } from './frame-rate-limiter.ts';
import type { BridgeEngineOptions } from './options.ts';
import { PlaybackMarks } from './playback-marks.ts';
import type { BotCommand, BotProtocol } from './protocols/bot-protocol.ts';
import { DEFAULT_BRIDGE_CONNECT_TIMEOUT_MS } from './spec.ts';
import type { BridgeConfig } from './spec.ts';

/** Close codes that mean the bot ended the call on purpose: 1000, and 1005 (a close frame without a code). */
const NORMAL_BOT_CLOSES: ReadonlySet<number> = new Set([1000, 1005]);

/** `ws`'s error code for a message over `maxPayload`. */
const WS_TOO_LARGE = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';

/** Counters of one bridged call. */
export interface BridgeSessionStats {
  /** Messages received from the bot. */
  botFrames: number;
  /** Bot messages that could not be used (bad JSON, missing fields, wrong audio format, too many marks). */
  malformedFrames: number;
  /** Well-formed bot messages for events the protocol does not act on. */
  ignoredFrames: number;
  /** Caller audio chunks dropped because the bot was not connected yet or did not keep up. */
  droppedCallerFrames: number;
  /** Caller audio bytes waiting in the queue now. */
  queuedAudioBytes: number;
  /** Bytes the bot socket holds unsent now. */
  botBufferedBytes: number;
}

/**
 * Where the bot connection stands: not started, connecting, open, or over (failed, closed by the
 * bot, or closed at the end of the call). Only `open` exchanges frames.
 */
type State = 'idle' | 'connecting' | 'open' | 'over';

/**
 * One call bridged to a bot: opens the bot socket at `start`, plays the protocol's opening frames,
 * relays caller audio and DTMF to the bot (queued while connecting and while the bot falls behind,
 * bounded, oldest audio dropped) and the bot's audio, marks, clears and commands to the call, and
 * maps every ending to the call's: the bot closing normally hangs up, an abnormal close fails the
 * call with `agent_disconnected`, a bot that cannot be reached with `agent_unreachable`, a bot
 * over the frame-rate or size cap with `agent_error`.
 */
export class BridgeSession implements AgentSession {
  readonly format: MediaFormat;
  readonly #config: BridgeConfig;
  readonly #options: Readonly<Required<BridgeEngineOptions>>;
  readonly #protocol: BotProtocol;
  readonly #logger: EngineLogger;
  readonly #signal: AbortSignal;
  /** Scheme, host and port of the bot: all that is ever logged of its URL. */
  readonly #origin: string;
  readonly #queue: CallerQueue;
  readonly #limiter: FrameRateLimiter;
  readonly #marks: PlaybackMarks;
  readonly #sampleBytes: 1 | 2;
  #io: AgentIO | null = null;
  #socket: BotSocket | null = null;
  #state: State = 'idle';
  #closed = false;
  #connectStartedAt = 0;
  /** A byte of bot audio waiting for its sample's other half (PCM16 only). */
  #oddByte = -1;
  #stats = { botFrames: 0, malformedFrames: 0, ignoredFrames: 0, droppedCallerFrames: 0 };

  constructor(ctx: SessionContext<BridgeConfig>, protocol: BotProtocol, options: Readonly<Required<BridgeEngineOptions>>) {
    this.#config = ctx.config;
    this.#options = options;
    this.#protocol = protocol;
    this.format = protocol.format;
    this.#logger = ctx.logger;
    this.#signal = ctx.signal;
    this.#origin = new URL(ctx.config.url).origin;
    this.#sampleBytes = protocol.format.encoding === 'pcm16le' || protocol.format.encoding === 'pcm16be' ? 2 : 1;
    const bytesPerMs = (protocol.format.sampleRate / 1000) * this.#sampleBytes;
    this.#queue = new CallerQueue(Math.ceil(options.maxQueuedAudioMs * bytesPerMs));
    this.#limiter = new FrameRateLimiter(options.maxFramesPerSecond, options.frameBurst);
    this.#marks = new PlaybackMarks(options.maxPendingMarks);
    this.#signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Counters of this call so far. */
  stats(): BridgeSessionStats {
    return { ...this.#stats, queuedAudioBytes: this.#queue.audioBytes, botBufferedBytes: this.#socket?.bufferedAmount ?? 0 };
  }

  start(io: AgentIO): void {
    if (this.#state !== 'idle' || this.#closed || this.#signal.aborted) return;
    this.#io = io;
    this.#state = 'connecting';
    this.#connectStartedAt = performance.now();
    try {
      this.#socket = new BotSocket(
        {
          url: this.#config.url,
          headers: this.#config.headers ?? {},
          connectTimeoutMs: this.#config.connect_timeout_ms ?? DEFAULT_BRIDGE_CONNECT_TIMEOUT_MS,
          maxPayloadBytes: this.#options.maxPayloadBytes,
        },
        this.#socketEvents,
      );
    } catch {
      // `ws` or `http` refused the URL or a header; the message may quote the URL, so it is not kept.
      this.#onBotConnectFailed('connect_failed', { error: 'invalid_request' });
    }
  }

  onAudio(audio: Uint8Array): void {
    if (this.#state === 'open' && this.#queue.length === 0 && this.#socket!.bufferedAmount <= this.#options.maxBufferedBytes) {
      this.#sendAudio(this.#socket!, audio);
      return;
    }
    if (this.#state !== 'open' && this.#state !== 'connecting') return;
    const dropped = this.#queue.pushAudio(audio);
    if (dropped > 0) {
      this.#stats.droppedCallerFrames += dropped;
      this.#io?.dropped(dropped);
    }
    this.#drain();
  }

  onDtmf(digit: string): void {
    if (this.#state === 'connecting') this.#queue.pushDigit(digit);
    else if (this.#state === 'open') this.#socket!.send(this.#protocol.dtmf(digit));
  }

  onPlayed(mark: string): void {
    const outcome = this.#marks.played(mark);
    if (outcome === 'unknown' || this.#state !== 'open') return;
    const frame = this.#protocol.played(mark, outcome === 'cut');
    if (frame !== null) this.#socket!.send(frame);
  }

  /**
   * Reports the frame counts, sends the protocol's `stop` (if the bot is connected and the protocol
   * has one), closes with 1000 and resolves once the socket is closed (terminated after
   * `closeTimeoutMs`). Idempotent; every step runs even if an earlier one throws.
   */
  async close(info: SessionCloseInfo): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#signal.removeEventListener('abort', this.#onAbort);
    const wasOpen = this.#state === 'open';
    this.#state = 'over';
    const socket = this.#socket;
    try {
      this.#report();
      if (wasOpen) {
        const stop = this.#protocol.stop(info);
        if (stop !== null) socket!.send(stop);
      }
    } finally {
      this.#queue.clear();
      this.#marks.clear();
      this.#io = null;
      this.#socket = null;
    }
    await socket?.close(1000, 'call ended', this.#options.closeTimeoutMs);
  }

  /** What the bot socket reports, bound once per session. */
  readonly #socketEvents: BotSocketEvents = {
    onBotOpen: () => this.#onBotOpen(),
    onBotMessage: (data, isBinary) => this.#onBotMessage(data, isBinary),
    onBotClose: (code, wsError) => this.#onBotClose(code, wsError),
    onBotConnectFailed: (reason, detail, cause) => this.#onBotConnectFailed(reason, detail, cause),
  };

  #onBotOpen(): void {
    if (this.#state !== 'connecting') return;
    this.#state = 'open';
    this.#logger.info({ bot: this.#origin, protocol: this.#protocol.name, connect_ms: Math.round(performance.now() - this.#connectStartedAt) }, 'bridge connected');
    for (const frame of this.#protocol.opening()) this.#socket!.send(frame);
    this.#drain();
  }

  #onBotMessage(data: Buffer, isBinary: boolean): void {
    if (this.#state !== 'open') return;
    if (!this.#limiter.take()) return this.#cutOff('frame_rate_exceeded', { limit_per_s: this.#options.maxFramesPerSecond, burst: this.#options.frameBurst });
    this.#stats.botFrames++;
    let command: BotCommand | null;
    try {
      command = this.#protocol.parse(data, isBinary);
    } catch (err) {
      return this.#malformed((err as { code?: string }).code ?? 'malformed_bot_frame');
    }
    if (command === null) this.#stats.ignoredFrames++;
    else this.#apply(command);
    this.#drain();
  }

  #onBotClose(code: number, wsError: string | undefined): void {
    if (this.#state !== 'open') return;
    this.#state = 'over';
    if (wsError === WS_TOO_LARGE) return this.#fail('frame_too_large', { limit_bytes: this.#options.maxPayloadBytes });
    if (wsError === undefined && NORMAL_BOT_CLOSES.has(code)) {
      this.#logger.info({ bot: this.#origin, protocol: this.#protocol.name, close_code: code }, 'bot closed the stream');
      this.#io?.hangup('bot closed the stream');
      return;
    }
    this.#fail('bot_dropped', wsError === undefined ? { close_code: code } : { close_code: code, error: wsError });
  }

  #onBotConnectFailed(reason: ConnectFailure, detail: FailureDetail, cause?: unknown): void {
    if (this.#state !== 'connecting') return;
    this.#state = 'over';
    this.#queue.clear();
    this.#fail(reason, detail, cause);
  }

  #apply(command: BotCommand): void {
    const io = this.#io!;
    switch (command.type) {
      case 'audio': {
        const audio = this.#wholeSamples(command.audio);
        if (audio.byteLength > 0) io.sendAudio(audio);
        return;
      }
      case 'mark':
        if (command.name.length > this.#options.maxMarkNameLength || !this.#marks.add(command.name)) return this.#malformed('mark_rejected');
        io.mark(command.name);
        return;
      case 'clear': {
        this.#marks.cut();
        const answer = this.#protocol.cleared(io.clear());
        if (answer !== null && this.#state === 'open') this.#socket!.send(answer);
        return;
      }
      case 'stop':
        this.#marks.cut();
        io.clear();
        io.hangup('bot stopped the stream');
        return;
      case 'hangup':
        io.hangup(command.reason ?? 'bot hangup');
        return;
      case 'transfer':
        io.transfer(command.target);
        return;
      case 'set_context':
        io.setContext(command.values);
        return;
      case 'event':
        io.emit({ type: 'event', data: command.data });
        return;
    }
  }

  /** Sends queued caller audio and digits while the bot socket keeps up. */
  #drain(): void {
    if (this.#state !== 'open') return;
    const socket = this.#socket!;
    while (this.#queue.length > 0 && socket.bufferedAmount <= this.#options.maxBufferedBytes) {
      const item = this.#queue.shift()!;
      if (item.audio !== undefined) this.#sendAudio(socket, item.audio);
      else socket.send(this.#protocol.dtmf(item.digit));
    }
  }

  /** One chunk of caller audio to the bot: as text bytes when the protocol builds them. */
  #sendAudio(socket: BotSocket, audio: Uint8Array): void {
    const protocol = this.#protocol;
    if (protocol.audioText !== undefined) socket.sendText(protocol.audioText(audio));
    else socket.send(protocol.audio(audio));
  }

  /** PCM16 bot audio as whole samples: an odd trailing byte waits for the next chunk. */
  #wholeSamples(audio: Uint8Array): Uint8Array {
    if (this.#sampleBytes === 1) return audio;
    let bytes = audio;
    if (this.#oddByte >= 0) {
      bytes = new Uint8Array(audio.byteLength + 1);
      bytes[0] = this.#oddByte;
      bytes.set(audio, 1);
      this.#oddByte = -1;
    }
    if (bytes.byteLength % 2 === 1) {
      this.#oddByte = bytes[bytes.byteLength - 1]!;
      bytes = bytes.subarray(0, bytes.byteLength - 1);
    }
    return bytes;
  }

  #malformed(code: string): void {
    this.#stats.malformedFrames++;
    this.#logger.debug({ protocol: this.#protocol.name, error: code }, 'skipped a malformed bot frame');
    if (this.#stats.malformedFrames === 1) {
      this.#io?.emit({ type: 'log', data: { level: 'warn', message: 'skipped a malformed bot frame (later ones are only counted)', error: code } });
    }
  }

  /** The bot broke a bound: tell the run why, close the socket with the failure's code, fail the call. */
  #cutOff(reason: BridgeFailureReason, detail: FailureDetail): void {
    this.#state = 'over';
    void this.#socket?.close(BRIDGE_FAILURES[reason].botClose ?? 1011, reason.replace(/_/g, ' '), this.#options.closeTimeoutMs);
    this.#fail(reason, detail);
  }

  #fail(reason: BridgeFailureReason, detail: FailureDetail, cause?: unknown): void {
    const err = bridgeFailure(reason, detail, cause);
    this.#logger.warn({ bot: this.#origin, protocol: this.#protocol.name, reason, ...detail }, 'bridge failed');
    this.#io?.emit({ type: 'log', data: { level: 'error', message: err.message, reason, ...detail } });
    this.#io?.fail(err);
  }

  /** Frame counts worth keeping on the run, as metric events (only those that are not zero). */
  #report(): void {
    const io = this.#io;
    if (io === null) return;
    const s = this.#stats;
    const metrics: Array<[string, number]> = [
      ['bridge_bot_frames_malformed', s.malformedFrames],
      ['bridge_bot_frames_ignored', s.ignoredFrames],
      ['bridge_caller_frames_dropped', s.droppedCallerFrames],
    ];
    for (const [name, value] of metrics) if (value > 0) io.emit({ type: 'metric', data: { name, value, unit: 'frames' } });
    this.#logger.debug({ protocol: this.#protocol.name, ...s }, 'bridge closed');
  }

  readonly #onAbort = (): void => {
    if (this.#state === 'connecting') {
      this.#state = 'over';
      this.#socket?.terminate();
    }
  };
}
