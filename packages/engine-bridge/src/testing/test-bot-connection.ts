import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { CallEvent, MediaFormat, StartEvent } from '@vr3/protocol';
import WebSocket from 'ws';
import type { RawData } from 'ws';
import type { BotSideCodec } from './bot-side-codec.ts';

/** How a test bot behaves on a call. */
export type TestBotMode = 'echo' | 'listen' | 'refuse' | 'stall';

/** How a socket closed. */
export interface BotCloseInfo {
  code: number;
  reason: string;
}

interface Waiter {
  predicate: (event: CallEvent) => boolean;
  resolve: (event: CallEvent) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

const swap16 = (bytes: Buffer): Buffer => {
  const out = Buffer.from(bytes);
  return out.length % 2 === 0 ? out.swap16() : out;
};

/** Caller audio as the bot would send it back: the same bytes, byte-swapped between the two L16 byte orders. */
function convert(from: MediaFormat, to: MediaFormat, bytes: Buffer): Buffer {
  const pcm = (f: MediaFormat): boolean => f.encoding === 'pcm16le' || f.encoding === 'pcm16be';
  return pcm(from) && pcm(to) && from.encoding !== to.encoding ? swap16(bytes) : bytes;
}

/**
 * One call as a test bot sees it: the upgrade request, every frame from the bridge (JSON text
 * frames parsed, binary frames as bytes) and its reading as call events, the caller's audio; and
 * the bot's side to script: audio, marks, clears, any JSON, closing or dropping the socket, and
 * not reading at all. In `echo` mode it plays the caller's audio straight back and closes normally
 * when the caller presses `#`.
 */
export class TestBotConnection {
  /** Upgrade request headers (lower-case names). */
  readonly headers: IncomingHttpHeaders;
  /** Path and query of the upgrade request. */
  readonly path: string;
  /** Every frame from the bridge, in order (empty unless recording). */
  readonly frames: Array<Record<string, unknown> | Buffer> = [];
  /** The bridge's frames as call events (`connected`, `start`, `media`, `dtmf`, `mark`, `cleared`, `stop`), in order (empty unless recording). */
  readonly events: CallEvent[] = [];
  /** Frames the bot side could not read. */
  malformedFrames = 0;
  start: StartEvent | undefined;
  closeInfo: BotCloseInfo | undefined;
  readonly #ws: WebSocket;
  readonly #req: IncomingMessage;
  readonly #codec: BotSideCodec;
  readonly #record: boolean;
  readonly #echo: boolean;
  readonly #audio: Buffer[] = [];
  readonly #waiters = new Set<Waiter>();
  readonly #listeners = new Set<(event: CallEvent) => void>();
  readonly #closeWaiters = new Set<(info: BotCloseInfo) => void>();

  constructor(ws: WebSocket, req: IncomingMessage, codec: BotSideCodec, options: { mode: TestBotMode; record: boolean }) {
    this.#ws = ws;
    this.#req = req;
    this.#codec = codec;
    this.#record = options.record;
    this.#echo = options.mode === 'echo';
    this.headers = req.headers;
    this.path = req.url ?? '/';
    ws.on('message', (data: RawData, isBinary: boolean) => this.#onMessage(data as Buffer, isBinary));
    ws.on('close', (code: number, reason: Buffer) => this.#onClose(code, reason.toString('utf8')));
    ws.on('error', () => {
      /* followed by 'close' */
    });
  }

  get protocol(): string {
    return this.#codec.protocol;
  }

  get isOpen(): boolean {
    return this.#ws.readyState === WebSocket.OPEN;
  }

  /** Format of the caller audio received (known after `start`). */
  get callerFormat(): MediaFormat {
    return this.#codec.callerFormat();
  }

  /** Format {@link sendAudio} must be given. */
  get botFormat(): MediaFormat {
    return this.#codec.botFormat();
  }

  /** Caller audio received so far, concatenated, in {@link callerFormat} (empty unless recording). */
  callerAudio(): Buffer {
    return Buffer.concat(this.#audio);
  }

  /** Calls `listener` with every event as it arrives; returns an unsubscribe function. */
  onEvent(listener: (event: CallEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Calls `listener` once the socket has closed (at once if it has); returns an unsubscribe function. */
  onClose(listener: (info: BotCloseInfo) => void): () => void {
    if (this.closeInfo !== undefined) {
      listener(this.closeInfo);
      return () => undefined;
    }
    this.#closeWaiters.add(listener);
    return () => this.#closeWaiters.delete(listener);
  }

  /** The first event (recorded or future) matching `predicate`; rejects on timeout or close. */
  waitFor(predicate: (event: CallEvent) => boolean, timeoutMs = 5000): Promise<CallEvent> {
    const found = this.events.find(predicate);
    if (found !== undefined) return Promise.resolve(found);
    if (this.closeInfo !== undefined) return Promise.reject(new Error(`bot socket closed (${this.closeInfo.code}) before a matching event`));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          reject(new Error(`no matching event within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
    });
  }

  /** The `start` event. */
  async waitForStart(timeoutMs = 5000): Promise<StartEvent> {
    return (await this.waitFor((e) => e.type === 'start', timeoutMs)) as StartEvent;
  }

  /** How the socket closed (at once if it has). */
  waitForClose(timeoutMs = 5000): Promise<BotCloseInfo> {
    if (this.closeInfo !== undefined) return Promise.resolve(this.closeInfo);
    return new Promise((resolve, reject) => {
      const done = (info: BotCloseInfo): void => {
        clearTimeout(timer);
        resolve(info);
      };
      const timer = setTimeout(() => {
        this.#closeWaiters.delete(done);
        reject(new Error(`bot socket still open after ${timeoutMs} ms`));
      }, timeoutMs);
      this.#closeWaiters.add(done);
    });
  }

  /** Agent audio in {@link botFormat}, framed by the protocol. */
  sendAudio(bytes: Uint8Array): void {
    this.sendRaw(this.#codec.audio(bytes));
  }

  sendMark(name: string): void {
    this.sendRaw(this.#codec.mark(name));
  }

  sendClear(): void {
    this.sendRaw(this.#codec.clear());
  }

  /** Any JSON text frame (`vr3` commands, frames a protocol does not have). */
  sendJson(frame: object): void {
    this.sendRaw(JSON.stringify(frame));
  }

  /** A string as a text frame, bytes as a binary frame. */
  sendRaw(data: string | Uint8Array): void {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(data, { binary: typeof data !== 'string' });
  }

  /** A normal close (default 1000); resolves once closed. */
  close(code = 1000, reason = ''): Promise<BotCloseInfo> {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.close(code, reason);
    return this.waitForClose();
  }

  /** Drops the TCP connection without a close frame (the bridge sees 1006). */
  terminate(): void {
    this.#ws.terminate();
  }

  /** Stops reading from the socket: the bridge's writes back up (a bot that never reads). */
  pauseReading(): void {
    this.#req.socket.pause();
  }

  resumeReading(): void {
    this.#req.socket.resume();
  }

  #onMessage(data: Buffer, isBinary: boolean): void {
    if (this.#record) {
      if (isBinary) this.frames.push(data);
      else {
        try {
          this.frames.push(JSON.parse(data.toString('utf8')) as Record<string, unknown>);
        } catch {
          this.frames.push(data);
        }
      }
    }
    let event: CallEvent | null;
    try {
      event = this.#codec.parse(data, isBinary);
    } catch {
      this.malformedFrames++;
      return;
    }
    if (event === null) return;
    if (event.type === 'start') this.start = event;
    if (event.type === 'media') {
      if (this.#record) this.#audio.push(event.payload);
      if (this.#echo) this.sendAudio(convert(this.callerFormat, this.botFormat, event.payload));
    }
    if (this.#record) this.events.push(event);
    for (const w of this.#waiters) {
      if (w.predicate(event)) {
        clearTimeout(w.timer);
        this.#waiters.delete(w);
        w.resolve(event);
      }
    }
    for (const listener of this.#listeners) listener(event);
    if (this.#echo && event.type === 'dtmf' && event.digit === '#') void this.close(1000, 'hangup digit');
  }

  #onClose(code: number, reason: string): void {
    const info = { code, reason };
    this.closeInfo = info;
    for (const w of this.#waiters) {
      clearTimeout(w.timer);
      w.reject(new Error(`bot socket closed (${code}) before a matching event`));
    }
    this.#waiters.clear();
    for (const done of this.#closeWaiters) done(info);
    this.#closeWaiters.clear();
  }
}
