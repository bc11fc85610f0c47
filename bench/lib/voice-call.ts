/**
 * One simulated Cloudonix caller for the voice scenario: a socket to the product's Agent Stream
 * URL, the simulator's Cloudonix framing (`CloudonixPeer`), caller audio as precomputed μ-law 20 ms
 * frames sent in real time from one clock shared by every call ({@link FrameClock}), playback marks
 * answered at once, and the arrival time of the agent's first audible frame.
 */
import { CloudonixPeer, newServerFrame, ServerFrameKind } from '@vr3/simulator';
import WebSocket from 'ws';

/** μ-law bytes whose magnitude is above this code step count as audible (0x7f / 0xff are zero). */
const AUDIBLE_BELOW = 0x60;

/** What a call sends: `frames(i)` is the base64 payload of its i-th 20 ms frame since it started streaming. */
export type FrameSource = (index: number) => string;

/** One call. */
export class VoiceCall {
  readonly peer = new CloudonixPeer();
  readonly #ws: WebSocket;
  readonly #frame = newServerFrame();
  /** `performance.now()` when streaming began (frame 0 was due). */
  startedAt = 0;
  /** Frames sent so far. */
  sent = 0;
  /** Arrival of the first audible agent frame (`performance.now()`), if any yet. */
  firstAudioAt: number | undefined;
  /** Agent media frames received. */
  received = 0;
  closed = false;
  closeCode: number | undefined;
  #onAudio: (() => void) | undefined;

  private constructor(ws: WebSocket, readonly source: FrameSource) {
    this.#ws = ws;
    ws.on('message', (data, isBinary) => this.#message(data as Buffer, isBinary));
    ws.on('close', (code) => {
      this.closed = true;
      this.closeCode = code;
    });
    ws.on('error', () => {});
  }

  /** Opens the socket, sends `connected` + `start`. */
  static async open(url: string, source: FrameSource, timeoutMs = 10_000): Promise<VoiceCall> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error('connect timed out'));
      }, timeoutMs);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve();
      });
      ws.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    const call = new VoiceCall(ws, source);
    for (const f of call.peer.openingFrames()) ws.send(f);
    return call;
  }

  /** Sends every frame due by `now` (real time from `startedAt`). */
  pump(now: number): void {
    if (this.closed) return;
    const due = Math.floor((now - this.startedAt) / 20) + 1;
    while (this.sent < due) this.#ws.send(this.peer.media(this.source(this.sent++)), { compress: false });
  }

  /** Resolves at the first audible agent frame (at once if it already came). */
  firstAudio(timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      if (this.firstAudioAt !== undefined) return resolve(this.firstAudioAt);
      const timer = setTimeout(() => reject(new Error(`no agent audio within ${timeoutMs} ms`)), timeoutMs);
      this.#onAudio = () => {
        clearTimeout(timer);
        resolve(this.firstAudioAt!);
      };
    });
  }

  /** Sends `stop` and closes; resolves once closed (or terminated after 3 s). */
  async hangUp(): Promise<void> {
    if (this.closed) return;
    const stop = this.peer.stop();
    if (stop !== null) this.#ws.send(stop);
    const closed = new Promise<void>((resolve) => this.#ws.once('close', () => resolve()));
    const timer = setTimeout(() => this.#ws.terminate(), 3000);
    this.#ws.close(1000);
    await closed;
    clearTimeout(timer);
  }

  #message(data: Buffer, isBinary: boolean): void {
    const f = this.#frame;
    const kind = this.peer.read(data, isBinary, f);
    if (kind === ServerFrameKind.Mark) {
      const played = this.peer.played(f.name);
      if (played !== null && !this.closed) this.#ws.send(played);
      return;
    }
    if (kind !== ServerFrameKind.Media) return;
    this.received++;
    if (this.firstAudioAt !== undefined) return;
    const audio = Buffer.from(Buffer.from(f.bytes.subarray(f.start, f.end)).toString('latin1'), 'base64');
    for (const b of audio) {
      if ((b & 0x7f) < AUDIBLE_BELOW) {
        this.firstAudioAt = performance.now();
        this.#onAudio?.();
        return;
      }
    }
  }
}

/**
 * The load generator's clock: one 5 ms timer sends every call's due frames (the calls keep their
 * own frame count, so a late tick catches up instead of drifting).
 */
export class FrameClock {
  readonly #calls = new Set<VoiceCall>();
  readonly #timer: NodeJS.Timeout;

  constructor() {
    this.#timer = setInterval(() => {
      const now = performance.now();
      for (const c of this.#calls) c.pump(now);
    }, 5);
  }

  /** Starts streaming `call` now. */
  add(call: VoiceCall): void {
    call.startedAt = performance.now();
    call.pump(call.startedAt);
    this.#calls.add(call);
  }

  remove(call: VoiceCall): void {
    this.#calls.delete(call);
  }

  close(): void {
    clearInterval(this.#timer);
    this.#calls.clear();
  }
}
