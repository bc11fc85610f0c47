/**
 * The shared half of every WebSocket stand-in connection (Deepgram, ElevenLabs, Cartesia): what it
 * received and sent, how it closed, and the manual controls `send`, `close` and `terminate`. A
 * vendor's connection class is only its wire format ({@link StandInConnection.onMessage}) and the
 * timers it owns ({@link StandInConnection.stop}).
 */
import WebSocket from 'ws';
import type { RawData } from 'ws';
import type { RecordedUpgrade } from './stand-in-server.ts';

/** One accepted stand-in connection, scripted by `S`. */
export abstract class StandInConnection<S> {
  readonly upgrade: RecordedUpgrade;
  /** JSON messages received, in order. */
  readonly receivedJson: unknown[] = [];
  /** Messages sent to the client, in order (audio as a byte count where the vendor sends it inside JSON). */
  readonly sent: Array<Record<string, unknown>> = [];
  /** WebSocket pings received (a client's keep-alive). */
  pings = 0;
  /** The close code and reason, once closed (by either side). */
  closedWith: { code: number; reason: string } | undefined;
  /** The accepted socket. */
  protected readonly ws: WebSocket;
  /** The script this connection was accepted with. */
  protected readonly script: S;

  constructor(ws: WebSocket, upgrade: RecordedUpgrade, script: S) {
    this.ws = ws;
    this.upgrade = upgrade;
    this.script = script;
    ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(data as Buffer, isBinary));
    ws.on('ping', () => this.pings++);
    ws.on('close', (code: number, reason: Buffer) => {
      this.closedWith = { code, reason: reason.toString('utf8') };
      this.stop();
    });
    ws.on('error', () => {});
  }

  /** Sends `message` now (manual scripting). */
  send(message: Record<string, unknown>): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.sent.push(message);
    this.ws.send(JSON.stringify(message));
  }

  /** Closes with `code` and `reason`. */
  close(code = 1000, reason = ''): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(code, reason);
  }

  /** Drops the connection. */
  terminate(): void {
    this.stop();
    this.ws.terminate();
  }

  /** Whether the socket is open. */
  protected get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /**
   * A text message as JSON, recorded in `receivedJson`; `undefined` (after closing with
   * `closeCode` and `reason`, as the vendor does) when it is not JSON.
   */
  protected readJson(data: Buffer, closeCode: number, reason: string): unknown {
    let msg: unknown;
    try {
      msg = JSON.parse(data.toString('utf8'));
    } catch {
      this.close(closeCode, reason);
      return undefined;
    }
    this.receivedJson.push(msg);
    return msg;
  }

  /** One message from the client. */
  protected abstract onMessage(data: Buffer, isBinary: boolean): void;

  /** Stops every timer and queue (the socket closed or is being dropped). */
  protected abstract stop(): void;
}
