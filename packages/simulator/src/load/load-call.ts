/**
 * One call of the load generator: its socket, its peer, and per-frame bookkeeping in fixed typed
 * arrays indexed by sequence number mod 4096 (send time, and whether the echo came back).
 * Nothing is allocated per frame on the send side; the receive side decodes the base64 payload into
 * a shared scratch buffer and reads 20 samples of it.
 */
import type WebSocket from 'ws';
import type { RawData } from 'ws';
import { decodeBase64Into } from '../audio/base64.ts';
import { MarkerReader, MARKER_SEQ_MODULO, seqDistance } from '../audio/marker.ts';
import { ServerFrameKind, type ProviderPeer, type ServerFrame } from '../peers/peer.ts';

/** Decode buffer size of a run: the largest media payload a provider allows (Exotel: 100 KB), or 4 frames. */
export const scratchBytes = (frameBytes: number): number => Math.max(frameBytes * 4 + 64, 100_000);

/** Where a load call is. */
export type LoadCallPhase =
  | 'connecting'
  /** Handshake sent; probe frames go out until the first echo. */
  | 'handshaking'
  /** First echo seen; silent until the echoes of the probes have drained. */
  | 'draining'
  | 'streaming'
  | 'hanging-up'
  | 'closed';

/** Slot states of {@link LoadCall.slotState}. */
const NOT_MEASURED = 0;
const AWAITING = 1;
const ECHOED = 2;

/** Counters and hooks shared by every call of one run (the run owns them). */
export interface LoadShared {
  /** Frames sent now count toward the measurement window. */
  measuring: boolean;
  /** Base64 payload of the frame with each sequence number. */
  readonly frames: readonly string[];
  /** Decode buffer shared by every call (messages are handled one at a time); holds the largest chunk a provider allows. */
  readonly scratch: Uint8Array;
  /** Bytes of one 20 ms frame: a media payload holding several (Exotel's ≥ 100 ms chunks) is read frame by frame. */
  readonly frameBytes: number;
  readonly frame: ServerFrame;
  window: WindowCounters;
  /** Echo latency of a window frame, ms. */
  recordLatency(ms: number): void;
  /** A call's first echo arrived (handshake done). */
  onFirstEcho(call: LoadCall, now: number): void;
  /** The socket closed; `wasPhase` is where the call was (`hanging-up` for an expected close). */
  onClosed(call: LoadCall, code: number, wasPhase: LoadCallPhase): void;
}

/** Totals over the measurement window. */
export interface WindowCounters {
  sent: number;
  echoed: number;
  duplicates: number;
  reordered: number;
  /** Media frames whose marker could not be read (after the reader locked on). */
  undecodable: number;
  /** Frames from the agent side a provider would reject. */
  invalid: number;
}

export class LoadCall {
  phase: LoadCallPhase = 'connecting';
  ws: WebSocket | null = null;
  /** Next sequence number to send. */
  seq = 0;
  /** When the next steady frame is due (performance.now() ms). */
  nextDue = 0;
  connectAt = 0;
  openAt = 0;
  firstEchoAt = 0;
  /** Last media frame from the agent side. */
  lastEchoAt = 0;
  closeCode = 0;
  failure: string | null = null;
  readonly #sentAt = new Float64Array(MARKER_SEQ_MODULO);
  readonly #slotState = new Uint8Array(MARKER_SEQ_MODULO);
  readonly #reader: MarkerReader;
  #lastEchoSeq = -1;
  readonly #onMessage = (data: RawData, isBinary: boolean): void => this.#receive(data as Buffer, isBinary);

  constructor(
    readonly index: number,
    readonly peer: ProviderPeer,
    private readonly shared: LoadShared,
  ) {
    this.#reader = new MarkerReader(peer.format);
  }

  /** Takes over an open socket and sends the provider's opening frames. */
  attach(ws: WebSocket, now: number): void {
    this.ws = ws;
    this.openAt = now;
    this.phase = 'handshaking';
    ws.on('message', this.#onMessage);
    ws.once('close', (code: number) => {
      this.closeCode = code;
      const wasPhase = this.phase;
      this.phase = 'closed';
      this.shared.onClosed(this, code, wasPhase);
    });
    ws.on('error', () => undefined);
    for (const text of this.peer.openingFrames()) ws.send(text);
  }

  /** Sends the next frame (probe or steady) stamped `now`. */
  sendFrame(now: number): void {
    const ws = this.ws;
    if (ws === null || ws.readyState !== 1) return;
    const slot = this.seq % MARKER_SEQ_MODULO;
    const shared = this.shared;
    if (shared.measuring && this.phase === 'streaming') {
      // A slot still AWAITING here was sent 82 s ago and never echoed: it stays counted as lost.
      this.#slotState[slot] = AWAITING;
      shared.window.sent++;
    } else {
      this.#slotState[slot] = NOT_MEASURED;
    }
    this.#sentAt[slot] = now;
    ws.send(this.peer.media(shared.frames[slot]!));
    this.seq++;
  }

  /** Ends streaming: the provider's stop frame, or a close. */
  hangup(useStop: boolean): void {
    const ws = this.ws;
    if (this.phase === 'closed' || ws === null) return;
    this.phase = 'hanging-up';
    const stop = useStop ? this.peer.stop() : null;
    if (stop !== null) ws.send(stop);
    else ws.close(1000);
  }

  #receive(data: Buffer, isBinary: boolean): void {
    const now = performance.now();
    const shared = this.shared;
    const frame = shared.frame;
    const kind = this.peer.read(data, isBinary, frame);
    if (kind !== ServerFrameKind.Media) {
      if (kind === ServerFrameKind.Invalid) shared.window.invalid++;
      else if (kind === ServerFrameKind.Mark) {
        const answer = this.peer.played(frame.name);
        if (answer !== null) this.ws?.send(answer);
      }
      return;
    }
    this.lastEchoAt = now;
    if (this.phase === 'handshaking') {
      this.firstEchoAt = now;
      shared.onFirstEcho(this, now);
    }
    const n = decodeBase64Into(frame.bytes, frame.start, frame.end, shared.scratch);
    if (n < 0) {
      shared.window.invalid++;
      return;
    }
    const step = shared.frameBytes;
    for (let at = 0; at < n; at += step) this.#readFrame(shared, shared.scratch.subarray(at, Math.min(n, at + step)), now);
  }

  /** One 20 ms frame of echoed audio: find its sequence number and account for it. */
  #readFrame(shared: LoadShared, audio: Uint8Array, now: number): void {
    const locked = this.#reader.delay >= 0;
    const seq = this.#reader.read(audio);
    if (seq < 0) {
      if (locked && shared.measuring) shared.window.undecodable++;
      return;
    }
    const state = this.#slotState[seq]!;
    if (state === AWAITING) {
      this.#slotState[seq] = ECHOED;
      shared.window.echoed++;
      shared.recordLatency(now - this.#sentAt[seq]!);
      if (this.#lastEchoSeq >= 0 && seqDistance(this.#lastEchoSeq, seq) > MARKER_SEQ_MODULO / 2) shared.window.reordered++;
    } else if (state === ECHOED) {
      shared.window.duplicates++;
    }
    this.#lastEchoSeq = seq;
  }
}
