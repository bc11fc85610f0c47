import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import type { RawData } from 'ws';
import type { FailureDetail } from './errors.ts';

/** A text frame sent from its bytes (`ws` masks a Buffer into its header in one write). */
const TEXT_FRAME = { binary: false } as const;

/** Why a connection to a bot never opened. */
export type ConnectFailure = 'connect_failed' | 'upgrade_refused' | 'connect_timeout';

/** What a {@link BotSocket} reports. Nothing is reported once the call side closed or terminated it. */
export interface BotSocketEvents {
  /** The upgrade succeeded. */
  onBotOpen(): void;
  /** One message from the bot (a text frame's UTF-8 bytes, or a binary frame). */
  onBotMessage(data: Buffer, isBinary: boolean): void;
  /**
   * The bot side closed an open socket, or the connection broke. `wsError` is the `ws` error code
   * that preceded it (`WS_ERR_UNSUPPORTED_MESSAGE_LENGTH`: a frame over `maxPayload`).
   */
  onBotClose(code: number, wsError: string | undefined): void;
  /** The socket never opened; `cause` is the socket error, when there was one. */
  onBotConnectFailed(reason: ConnectFailure, detail: FailureDetail, cause?: unknown): void;
}

/** Options of {@link BotSocket}. */
export interface BotSocketOptions {
  url: string;
  /** Sent on the upgrade request. */
  headers: Readonly<Record<string, string>>;
  connectTimeoutMs: number;
  maxPayloadBytes: number;
}

/**
 * The WebSocket to one bot: connects with the configured headers and a deadline, caps message
 * size, reports what happens through {@link BotSocketEvents}, and closes with a deadline ending in
 * `terminate()`. No compression (audio does not compress, and it would make sends asynchronous).
 * Owns two timers, each cleared as soon as it is moot: the connect deadline and the close deadline.
 */
export class BotSocket {
  readonly #ws: WebSocket;
  readonly #events: BotSocketEvents;
  #connectTimer: NodeJS.Timeout | null = null;
  #closeTimer: NodeJS.Timeout | null = null;
  /** The call side is done with the socket: report nothing more. */
  #detached = false;
  #opened = false;
  #wsError: string | undefined;
  #closed: Promise<void>;
  #markClosed!: () => void;

  constructor(options: BotSocketOptions, events: BotSocketEvents) {
    this.#events = events;
    this.#closed = new Promise((resolve) => (this.#markClosed = resolve));
    this.#ws = new WebSocket(options.url, {
      headers: { ...options.headers },
      maxPayload: options.maxPayloadBytes,
      perMessageDeflate: false,
      followRedirects: false,
    });
    this.#connectTimer = setTimeout(() => this.#failConnect('connect_timeout', { timeout_ms: options.connectTimeoutMs }), options.connectTimeoutMs);
    this.#ws.on('open', () => this.#onOpen());
    this.#ws.on('unexpected-response', (_req, res: IncomingMessage) => {
      res.resume();
      this.#failConnect('upgrade_refused', { http_status: res.statusCode ?? 0 });
    });
    this.#ws.on('error', (err: Error & { code?: string }) => {
      if (!this.#opened) this.#failConnect('connect_failed', typeof err.code === 'string' ? { error: err.code } : {}, err);
      else this.#wsError ??= err.code;
    });
    this.#ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!this.#detached) this.#events.onBotMessage(data as Buffer, isBinary);
    });
    this.#ws.on('close', (code: number) => this.#onClose(code));
  }

  get isOpen(): boolean {
    return this.#ws.readyState === WebSocket.OPEN;
  }

  /** Bytes handed to the socket and not yet written to the network. */
  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  /** Sends a text (string) or binary frame; dropped unless open. */
  send(data: string | Uint8Array): void {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(data);
  }

  /** Sends a text frame given as its UTF-8 bytes (the caller guarantees valid UTF-8); dropped unless open. */
  sendText(bytes: Buffer): void {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(bytes, TEXT_FRAME);
  }

  /**
   * Closes with `code` (an open socket; one still connecting is terminated) and stops reporting.
   * Resolves once the socket is closed, terminating it when that takes longer than `timeoutMs`.
   * Idempotent: a later call (or one after {@link terminate}) waits for the same close.
   */
  close(code: number, reason: string, timeoutMs: number): Promise<void> {
    if (!this.#detached) {
      this.#detached = true;
      this.#clearConnectTimer();
      if (this.#ws.readyState === WebSocket.OPEN) this.#ws.close(code, reason);
      else if (this.#ws.readyState !== WebSocket.CLOSED) this.#ws.terminate();
    }
    if (this.#ws.readyState !== WebSocket.CLOSED && this.#closeTimer === null) {
      this.#closeTimer = setTimeout(() => {
        this.#closeTimer = null;
        this.#ws.terminate();
        this.#markClosed();
      }, timeoutMs);
    }
    return this.#closed;
  }

  /** Drops the connection at once (a connect in progress is aborted) and stops reporting. */
  terminate(): void {
    this.#detached = true;
    this.#clearConnectTimer();
    if (this.#ws.readyState !== WebSocket.CLOSED) this.#ws.terminate();
  }

  #onOpen(): void {
    this.#opened = true;
    this.#clearConnectTimer();
    if (!this.#detached) this.#events.onBotOpen();
  }

  #failConnect(reason: ConnectFailure, detail: FailureDetail, cause?: unknown): void {
    if (this.#opened || this.#detached) return;
    this.#detached = true;
    this.#clearConnectTimer();
    if (this.#ws.readyState !== WebSocket.CLOSED) this.#ws.terminate();
    this.#events.onBotConnectFailed(reason, detail, cause);
  }

  #onClose(code: number): void {
    this.#clearConnectTimer();
    if (this.#closeTimer !== null) clearTimeout(this.#closeTimer);
    this.#closeTimer = null;
    this.#markClosed();
    if (this.#detached || !this.#opened) return;
    this.#detached = true;
    this.#events.onBotClose(code, this.#wsError);
  }

  #clearConnectTimer(): void {
    if (this.#connectTimer !== null) clearTimeout(this.#connectTimer);
    this.#connectTimer = null;
  }
}
