import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import type { RawData } from 'ws';

/** Options of {@link CloudonixMediaClient.connect}. */
export interface CloudonixMediaClientOptions {
  /** Echo every `mark` the server sends, as Cloudonix does once the audio before it has played. Default true. */
  autoEchoMarks?: boolean;
  /** Extra headers on the upgrade request. */
  headers?: Record<string, string>;
  /** Largest frame accepted from the server, in bytes. Default 1 MiB. */
  maxPayload?: number;
  /** Deadline for the opening handshake. Default 5000 ms. */
  handshakeTimeoutMs?: number;
}

/** Fields of the `start` frame; every one has a generated default. */
export interface CloudonixStartOptions {
  streamSid?: string;
  callSid?: string;
  /** Session token (what the REST API resolves). */
  session?: string;
  /** The Cloudonix domain. Default `acme.cloudonix.net`. */
  accountSid?: string;
  from?: string;
  to?: string;
  customParameters?: Record<string, string>;
  /** Default `{ encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 }`. */
  mediaFormat?: { encoding: string; sampleRate: number | string; channels?: number };
}

/** The `start` fields actually sent. */
export interface CloudonixStartInfo {
  streamSid: string;
  callSid: string;
  session: string;
  accountSid: string;
  from: string;
  to: string;
  customParameters: Record<string, string>;
}

/** How the socket closed. */
export interface CloseInfo {
  code: number;
  reason: string;
}

/** Refused upgrade (`statusCode` set) or network failure while connecting. */
export class MediaClientConnectError extends Error {
  readonly statusCode: number | undefined;
  constructor(message: string, statusCode?: number, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'MediaClientConnectError';
    this.statusCode = statusCode;
  }
}

interface Waiter {
  predicate: (frame: object) => boolean;
  resolve: (frame: object) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

/**
 * A fake Cloudonix media peer over a real `ws` socket: sends what a Cloudonix `<Connect><Stream>`
 * sends (Twilio-compatible `connected`, `start`, `media`, `dtmf`, `mark`, `stop`), records what
 * the server sends back, and echoes marks. Everything the server sends, including a close right
 * after the upgrade, is recorded from the first moment, so it stays observable after `connect`
 * resolves. Sends after the socket closed are dropped, as on a real provider.
 */
export class CloudonixMediaClient {
  /** Every JSON object frame received from the server, in order. */
  readonly received: object[] = [];
  /** Frames from the server that were binary or not a JSON object (a protocol violation). */
  readonly invalidFrames: Array<string | Buffer> = [];
  /** The stream id put on frames (generated; replaced by `sendStart({ streamSid })`). */
  streamSid = `MZ${hex(16)}`;
  callSid = `CA${hex(16)}`;
  session = `session-${hex(12)}`;
  accountSid = 'acme.cloudonix.net';

  readonly #ws: WebSocket;
  readonly #autoEchoMarks: boolean;
  readonly #waiters = new Set<Waiter>();
  readonly #closeWaiters = new Set<(info: CloseInfo) => void>();
  #closeInfo: CloseInfo | undefined;
  #sequence = 0;
  #chunk = 0;
  #audioBytes = 0;

  private constructor(ws: WebSocket, autoEchoMarks: boolean) {
    this.#ws = ws;
    this.#autoEchoMarks = autoEchoMarks;
    ws.on('message', (data: RawData, isBinary: boolean) => this.#onMessage(data, isBinary));
    ws.on('close', (code: number, reason: Buffer) => this.#onClose(code, reason.toString('utf8')));
    ws.on('error', () => {
      /* a 'close' always follows; the code tells the story */
    });
  }

  /** Opens a socket to `url`; resolves once open. Rejects with {@link MediaClientConnectError}. */
  static connect(url: string, opts: CloudonixMediaClientOptions = {}): Promise<CloudonixMediaClient> {
    const ws = new WebSocket(url, {
      headers: opts.headers ?? {},
      maxPayload: opts.maxPayload ?? 1 << 20,
      handshakeTimeout: opts.handshakeTimeoutMs ?? 5000,
    });
    const client = new CloudonixMediaClient(ws, opts.autoEchoMarks ?? true);
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        ws.off('open', onOpen);
        ws.off('unexpected-response', onUnexpected);
        ws.off('error', onError);
      };
      const onOpen = (): void => {
        cleanup();
        resolve(client);
      };
      const onUnexpected = (_req: unknown, res: { statusCode?: number; resume(): void }): void => {
        cleanup();
        res.resume();
        ws.terminate();
        reject(new MediaClientConnectError(`upgrade refused with HTTP ${res.statusCode ?? 0}`, res.statusCode));
      };
      const onError = (err: Error): void => {
        cleanup();
        reject(new MediaClientConnectError('connection failed', undefined, err));
      };
      ws.on('open', onOpen);
      ws.on('unexpected-response', onUnexpected);
      ws.on('error', onError);
    });
  }

  /** True until the socket starts closing. */
  get isOpen(): boolean {
    return this.#ws.readyState === WebSocket.OPEN;
  }

  /** The close code and reason, once closed. */
  get closeInfo(): CloseInfo | undefined {
    return this.#closeInfo;
  }

  /** `{"event":"connected","protocol":"Call","version":"1.0.0"}`. */
  sendConnected(): void {
    this.#sendJson({ event: 'connected', protocol: 'Call', version: '1.0.0' });
  }

  /** A Cloudonix `start` (ids at top level and in `start`), μ-law 8 kHz unless told otherwise. */
  sendStart(opts: CloudonixStartOptions = {}): CloudonixStartInfo {
    this.streamSid = opts.streamSid ?? this.streamSid;
    this.callSid = opts.callSid ?? this.callSid;
    this.session = opts.session ?? this.session;
    this.accountSid = opts.accountSid ?? this.accountSid;
    const info: CloudonixStartInfo = {
      streamSid: this.streamSid,
      callSid: this.callSid,
      session: this.session,
      accountSid: this.accountSid,
      from: opts.from ?? '+15551230001',
      to: opts.to ?? '+15551230002',
      customParameters: { ...opts.customParameters },
    };
    this.#sendJson({
      event: 'start',
      sequenceNumber: this.#nextSequence(),
      streamSid: info.streamSid,
      start: {
        ...info,
        context: 'inbound',
        tracks: ['inbound'],
        mediaFormat: opts.mediaFormat ?? { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
    });
    return info;
  }

  /** One `media` frame with μ-law audio; `sequenceNumber`, `chunk` and `timestamp` (ms) as strings. */
  sendMedia(mulaw: Uint8Array): void {
    const timestamp = Math.floor(this.#audioBytes / 8);
    this.#audioBytes += mulaw.byteLength;
    this.#sendJson({
      event: 'media',
      sequenceNumber: this.#nextSequence(),
      streamSid: this.streamSid,
      media: {
        track: 'inbound',
        chunk: String(++this.#chunk),
        timestamp: String(timestamp),
        payload: Buffer.from(mulaw.buffer, mulaw.byteOffset, mulaw.byteLength).toString('base64'),
      },
    });
  }

  /** A DTMF key press. */
  sendDtmf(digit: string): void {
    this.#sendJson({ event: 'dtmf', streamSid: this.streamSid, sequenceNumber: this.#nextSequence(), dtmf: { track: 'inbound_track', digit } });
  }

  /** A `mark` echo: the audio before the server's mark `name` has played. */
  sendMark(name: string): void {
    this.#sendJson({ event: 'mark', sequenceNumber: this.#nextSequence(), streamSid: this.streamSid, mark: { name } });
  }

  /** `stop`: the call ended on the provider side. */
  sendStop(): void {
    this.#sendJson({
      event: 'stop',
      sequenceNumber: this.#nextSequence(),
      streamSid: this.streamSid,
      stop: { accountSid: this.accountSid, callSid: this.callSid, session: this.session },
    });
  }

  /** Sends `data` as is: a string as a text frame, bytes as a binary frame. */
  sendRaw(data: string | Uint8Array): void {
    if (this.#ws.readyState !== WebSocket.OPEN) return;
    this.#ws.send(data, { binary: typeof data !== 'string' });
  }

  /** The decoded payloads of every `media` frame received, concatenated (what would have played, ignoring `clear`). */
  receivedMedia(): Buffer {
    const parts: Buffer[] = [];
    for (const frame of this.received) {
      const f = frame as { event?: unknown; media?: { payload?: unknown } };
      if (f.event === 'media' && typeof f.media?.payload === 'string') parts.push(Buffer.from(f.media.payload, 'base64'));
    }
    return Buffer.concat(parts);
  }

  /**
   * Resolves with the first received frame (already received or future) matching `predicate`.
   * Rejects on timeout, or when the socket closes without one.
   */
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

  /** Resolves with the close code and reason (at once if already closed); rejects on timeout. */
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

  /**
   * Closes the socket (default 1000) and resolves once closed; terminates it when the server does
   * not answer the close within `timeoutMs`. Idempotent.
   */
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

  #nextSequence(): string {
    return String(++this.#sequence);
  }

  #sendJson(frame: object): void {
    if (this.#ws.readyState !== WebSocket.OPEN) return;
    this.#ws.send(JSON.stringify(frame));
  }

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
    this.received.push(frame);
    for (const w of this.#waiters) {
      if (w.predicate(frame)) {
        clearTimeout(w.timer);
        this.#waiters.delete(w);
        w.resolve(frame);
      }
    }
    const f = frame as { event?: unknown; mark?: { name?: unknown } };
    if (this.#autoEchoMarks && f.event === 'mark' && typeof f.mark?.name === 'string') this.sendMark(f.mark.name);
  }

  #onClose(code: number, reason: string): void {
    const info: CloseInfo = { code, reason };
    this.#closeInfo = info;
    for (const w of this.#waiters) {
      clearTimeout(w.timer);
      w.reject(closedBefore(info));
    }
    this.#waiters.clear();
    for (const done of this.#closeWaiters) done(info);
    this.#closeWaiters.clear();
  }
}

function closedBefore(info: CloseInfo): Error {
  return new Error(`socket closed (${info.code}) before a matching frame arrived`);
}
