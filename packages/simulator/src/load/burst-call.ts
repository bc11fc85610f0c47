/**
 * One call of a burst (`runBurst`): its socket, its peer, and what became of it. Frames go out in
 * real time from socket open (as a provider streams right after `start`); the first media frame
 * from the agent side marks the handshake, and echoed frames whose sequence marker reads back are
 * counted. Timing is owned by the run's clock: the call only reacts to its socket.
 */
import type WebSocket from 'ws';
import type { RawData } from 'ws';
import { decodeBase64Into } from '../audio/base64.ts';
import { MarkerReader, MARKER_SEQ_MODULO } from '../audio/marker.ts';
import { ServerFrameKind, type ProviderPeer, type ServerFrame } from '../peers/peer.ts';

/** Where a burst call is. */
export type BurstCallPhase =
  | 'scheduled'
  | 'connecting'
  /** Open, handshake sent, streaming; no audio back yet. */
  | 'awaiting-echo'
  /** Audio came back; streaming until the call's length is reached. */
  | 'echoed'
  /** Stop frame (or close) sent; waiting for the agent side to close. */
  | 'hanging-up'
  | 'closed';

/** Why a burst call failed: stable codes, one per way a call can miss being admitted and echoed. */
export const BurstFailure = {
  /** TCP connect or the upgrade failed (refused, reset). */
  ConnectFailed: 'connect_failed',
  /** TCP connect + upgrade did not finish before the connect deadline (the server accepted too slowly). */
  ConnectTimeout: 'connect_timeout',
  /** The server answered the upgrade with an HTTP error (the status is in the failure key). */
  UpgradeRefused: 'upgrade_refused',
  /** The agent side closed the socket before any audio came back (its close code is kept). */
  ClosedBeforeEcho: 'closed_before_echo',
  /** No audio came back before the echo deadline; the socket was terminated. */
  EchoTimeout: 'echo_timeout',
  /** The agent side closed the socket after audio came back, before the call hung up. */
  ClosedMidCall: 'closed_mid_call',
  /** Audio came back but no frame carried a readable sequence marker (not an echo of the call). */
  NoMarkedEcho: 'no_marked_echo',
} as const;

/** One of {@link BurstFailure}. */
export type BurstFailure = (typeof BurstFailure)[keyof typeof BurstFailure];

/** What the run shares with its calls. */
export interface BurstShared {
  /** Base64 payload of the frame with each sequence number. */
  readonly frames: readonly string[];
  /** Decode buffer shared by every call (messages are handled one at a time). */
  readonly scratch: Uint8Array;
  /** Bytes of one 20 ms frame: a payload holding several (Exotel's chunks) is read frame by frame. */
  readonly frameBytes: number;
  readonly frame: ServerFrame;
  /** The socket closed (by either side); the call's record is final after this. */
  onClosed(call: BurstCall): void;
}

export class BurstCall {
  phase: BurstCallPhase = 'scheduled';
  ws: WebSocket | null = null;
  /** Frames sent (media only). */
  sent = 0;
  /** Echoed frames whose marker read back. */
  echoed = 0;
  /** performance.now() of each event, 0 until it happened. */
  connectAt = 0;
  openAt = 0;
  firstEchoAt = 0;
  hangupAt = 0;
  closedAt = 0;
  /** When the next frame is due (performance.now() ms). */
  nextDue = 0;
  /** Close code the socket ended with (1006 when terminated), null when it never opened. */
  closeCode: number | null = null;
  failure: BurstFailure | null = null;
  /** Close code or HTTP status that goes with the failure. */
  failureCode: number | null = null;
  readonly #reader: MarkerReader;
  readonly #onMessage = (data: RawData, isBinary: boolean): void => this.#receive(data as Buffer, isBinary);

  constructor(
    readonly index: number,
    /** Index of the URL this call went to. */
    readonly target: number,
    /** Due time of the connect, ms after the burst began. */
    readonly scheduledMs: number,
    readonly peer: ProviderPeer,
    private readonly shared: BurstShared,
  ) {
    this.#reader = new MarkerReader(peer.format);
  }

  /** Records the first failure only: later events (the close that follows a timeout) do not overwrite it. */
  fail(failure: BurstFailure, code: number | null = null): void {
    if (this.failure !== null) return;
    this.failure = failure;
    this.failureCode = code;
  }

  /** Takes over an open socket and sends the provider's opening frames. */
  attach(ws: WebSocket, now: number): void {
    this.ws = ws;
    this.openAt = now;
    this.nextDue = now;
    this.phase = 'awaiting-echo';
    ws.on('message', this.#onMessage);
    ws.once('close', (code: number) => {
      const wasPhase = this.phase;
      this.phase = 'closed';
      this.closeCode = code;
      this.closedAt = performance.now();
      if (wasPhase === 'awaiting-echo') this.fail(BurstFailure.ClosedBeforeEcho, code);
      else if (wasPhase === 'echoed') this.fail(BurstFailure.ClosedMidCall, code);
      this.shared.onClosed(this);
    });
    ws.on('error', () => undefined);
    for (const text of this.peer.openingFrames()) ws.send(text);
  }

  /** Sends every frame due by `now` (one per 20 ms from socket open). */
  sendDue(now: number, frameMs: number): void {
    const ws = this.ws;
    if (ws === null || ws.readyState !== 1) return;
    while (this.nextDue <= now) {
      ws.send(this.peer.media(this.shared.frames[this.sent % MARKER_SEQ_MODULO]!));
      this.sent++;
      this.nextDue += frameMs;
    }
  }

  /** Ends the call: the provider's stop frame, or a close. */
  hangup(useStop: boolean, now: number): void {
    const ws = this.ws;
    if (ws === null || this.phase === 'closed' || this.phase === 'hanging-up') return;
    if (this.firstEchoAt > 0 && this.echoed === 0) this.fail(BurstFailure.NoMarkedEcho);
    this.phase = 'hanging-up';
    this.hangupAt = now;
    const stop = useStop ? this.peer.stop() : null;
    if (stop !== null) ws.send(stop);
    else ws.close(1000);
  }

  /** Ends the socket now (a deadline passed); the close event still follows. */
  terminate(): void {
    this.ws?.terminate();
  }

  #receive(data: Buffer, isBinary: boolean): void {
    const shared = this.shared;
    const frame = shared.frame;
    const kind = this.peer.read(data, isBinary, frame);
    if (kind === ServerFrameKind.Mark) {
      const answer = this.peer.played(frame.name);
      if (answer !== null) this.ws?.send(answer);
      return;
    }
    if (kind !== ServerFrameKind.Media) return;
    if (this.firstEchoAt === 0) {
      this.firstEchoAt = performance.now();
      if (this.phase === 'awaiting-echo') this.phase = 'echoed';
    }
    const n = decodeBase64Into(frame.bytes, frame.start, frame.end, shared.scratch);
    for (let at = 0; at < n; at += shared.frameBytes) {
      if (this.#reader.read(shared.scratch.subarray(at, Math.min(n, at + shared.frameBytes))) >= 0) this.echoed++;
    }
  }
}
