import WebSocket from 'ws';
import type { RawData } from 'ws';
import { MediaClientConnectError } from './media-client.ts';
import type { CloseInfo, MediaClientOptions } from './media-client.ts';

interface Waiter {
  predicate: (frame: object) => boolean;
  resolve: (frame: object) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** An open socket and what it received before a client adopted it. */
export interface OpenedSocket {
  ws: WebSocket;
  /** Messages and the close seen before adoption, in order; replayed by {@link MediaSocket}. */
  early: Array<{ kind: 'message'; data: RawData; isBinary: boolean } | { kind: 'close'; code: number; reason: Buffer }>;
  detach(): void;
}

/**
 * Opens a socket to `url`; resolves once open. Frames the server sends right after the upgrade
 * are buffered until a client adopts the socket. Rejects with {@link MediaClientConnectError}.
 */
export function openSocket(url: string, opts: MediaClientOptions): Promise<OpenedSocket> {
  const ws = new WebSocket(url, {
    headers: opts.headers ?? {},
    maxPayload: opts.maxPayload ?? 1 << 20,
    handshakeTimeout: opts.handshakeTimeoutMs ?? 5000,
    ...(opts.ca === undefined ? {} : { ca: opts.ca }),
  });
  const early: OpenedSocket['early'] = [];
  const onEarlyMessage = (data: RawData, isBinary: boolean): void => void early.push({ kind: 'message', data, isBinary });
  const onEarlyClose = (code: number, reason: Buffer): void => void early.push({ kind: 'close', code, reason });
  ws.on('message', onEarlyMessage);
  ws.on('close', onEarlyClose);
  ws.on('error', () => {
    /* connect failures reject below; later errors are followed by 'close' */
  });
  const detach = (): void => {
    ws.off('message', onEarlyMessage);
    ws.off('close', onEarlyClose);
  };
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      ws.off('open', onOpen);
      ws.off('unexpected-response', onUnexpected);
      ws.off('error', onError);
    };
    const onOpen = (): void => {
      cleanup();
      resolve({ ws, early, detach });
    };
    const onUnexpected = (_req: unknown, res: { statusCode?: number; resume(): void }): void => {
      cleanup();
      res.resume();
      ws.terminate();
      reject(new MediaClientConnectError(`upgrade refused with HTTP ${res.statusCode ?? 0}`, res.statusCode));
    };
    const onError = (err: Error): void => {
      cleanup();
      detach();
      reject(new MediaClientConnectError('connection failed', undefined, err));
    };
    ws.on('open', onOpen);
    ws.on('unexpected-response', onUnexpected);
    ws.on('error', onError);
  });
}

function closedBefore(info: CloseInfo): Error {
  return new Error(`socket closed (${info.code}) before a matching frame arrived`);
}

/**
 * The socket half of every fake media client: records what the server sends (from the first
 * moment, so a close right after the upgrade stays observable), wakes waiters, and drops sends
 * after close, as a real provider would. Subclasses speak the provider's protocol in
 * {@link onServerFrame}.
 */
export abstract class MediaSocket {
  readonly received: object[] = [];
  readonly invalidFrames: Array<string | Buffer> = [];
  readonly #ws: WebSocket;
  readonly #record: boolean;
  readonly #waiters = new Set<Waiter>();
  readonly #closeWaiters = new Set<(info: CloseInfo) => void>();
  readonly #listeners = new Set<(frame: object) => void>();
  #closeInfo: CloseInfo | undefined;

  protected constructor(socket: OpenedSocket, opts: MediaClientOptions) {
    const { ws, early } = socket;
    this.#ws = ws;
    this.#record = opts.record ?? true;
    // Replay what arrived before adoption once the subclass constructor has run, then go live.
    queueMicrotask(() => {
      socket.detach();
      for (const e of early) {
        if (e.kind === 'message') this.#onMessage(e.data, e.isBinary);
        else this.#onClose(e.code, e.reason.toString('utf8'));
      }
      early.length = 0;
      ws.on('message', (data: RawData, isBinary: boolean) => this.#onMessage(data, isBinary));
      ws.on('close', (code: number, reason: Buffer) => this.#onClose(code, reason.toString('utf8')));
    });
  }

  /** True until the socket starts closing. */
  get isOpen(): boolean {
    return this.#ws.readyState === WebSocket.OPEN;
  }

  get closeInfo(): CloseInfo | undefined {
    return this.#closeInfo;
  }

  sendRaw(data: string | Uint8Array): void {
    if (this.#ws.readyState !== WebSocket.OPEN) return;
    this.#ws.send(data, { binary: typeof data !== 'string' });
  }

  onFrame(listener: (frame: object) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  waitFor(predicate: (frame: object) => boolean, timeoutMs = 5000): Promise<object> {
    const found = this.received.find(predicate);
    if (found !== undefined) return Promise.resolve(found);
    if (this.#closeInfo !== undefined) return Promise.reject(closedBefore(this.#closeInfo));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          reject(new Error(`no matching frame within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
    });
  }

  waitForClose(timeoutMs = 5000): Promise<CloseInfo> {
    if (this.#closeInfo !== undefined) return Promise.resolve(this.#closeInfo);
    return new Promise((resolve, reject) => {
      const done = (info: CloseInfo): void => {
        clearTimeout(timer);
        resolve(info);
      };
      const timer = setTimeout(() => {
        this.#closeWaiters.delete(done);
        reject(new Error(`socket still open after ${timeoutMs} ms`));
      }, timeoutMs);
      this.#closeWaiters.add(done);
    });
  }

  async close(code = 1000, reason = '', timeoutMs = 2000): Promise<CloseInfo> {
    if (this.#closeInfo !== undefined) return this.#closeInfo;
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.close(code, reason);
    const timer = setTimeout(() => this.#ws.terminate(), timeoutMs);
    try {
      return await this.waitForClose(timeoutMs + 1000);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends one JSON text frame (dropped once the socket is no longer open). */
  protected sendJson(frame: object): void {
    if (this.#ws.readyState !== WebSocket.OPEN) return;
    this.#ws.send(JSON.stringify(frame));
  }

  /** One JSON object frame from the server, after it was recorded and waiters were woken. */
  protected abstract onServerFrame(frame: Record<string, unknown>): void;

  /** The socket closed: release timers. */
  protected abstract onClosed(): void;

  #onMessage(data: RawData, isBinary: boolean): void {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (isBinary) {
      this.invalidFrames.push(buf);
      return;
    }
    const text = buf.toString('utf8');
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      frame = undefined;
    }
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
      this.invalidFrames.push(text);
      return;
    }
    if (this.#record) this.received.push(frame);
    for (const w of this.#waiters) {
      if (w.predicate(frame)) {
        clearTimeout(w.timer);
        this.#waiters.delete(w);
        w.resolve(frame);
      }
    }
    for (const listener of this.#listeners) listener(frame);
    this.onServerFrame(frame as Record<string, unknown>);
  }

  #onClose(code: number, reason: string): void {
    const info: CloseInfo = { code, reason };
    this.#closeInfo = info;
    this.onClosed();
    for (const w of this.#waiters) {
      clearTimeout(w.timer);
      w.reject(closedBefore(info));
    }
    this.#waiters.clear();
    for (const done of this.#closeWaiters) done(info);
    this.#closeWaiters.clear();
  }
}
