import { WebSocket, type RawData } from 'ws';
import type { CallTransport } from '../call/types.ts';
import type { EdgeMetrics } from '../metrics.ts';

/** Every frame the edge sends: text, uncompressed (no permessage-deflate is negotiated anyway), whole. */
const TEXT_FRAME = { binary: false, compress: false, fin: true } as const;

/** What a {@link WsTransport} reports to its owner. */
export interface TransportListener {
  onFrame(data: Buffer | string, isBinary: boolean): void;
  /** The socket is closed; `protocolError` when `ws` closed it for a protocol violation (e.g. 1009). */
  onSocketClosed(protocolError: boolean): void;
}

/**
 * One provider socket: sends text frames, closes with a deadline after which the TCP socket is
 * destroyed (`terminate()`), counts close codes, and detaches every listener once closed.
 */
export class WsTransport implements CallTransport {
  private closeTimer: NodeJS.Timeout | null = null;
  private sentCode: number | null = null;
  private protocolError = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly closeTimeoutMs: number,
    private readonly metrics: EdgeMetrics,
  ) {}

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /** Routes socket events to `listener` until the socket closes. */
  attach(listener: TransportListener): void {
    const ws = this.ws;
    ws.on('message', (data: RawData, isBinary: boolean) => listener.onFrame(toBuffer(data), isBinary));
    ws.on('error', () => {
      // `ws` closes the socket itself (1009 oversized frame, 1002 protocol error); 'close' follows.
      this.protocolError = true;
    });
    ws.once('close', (code: number) => {
      if (this.closeTimer !== null) clearTimeout(this.closeTimer);
      this.closeTimer = null;
      const byEdge = this.sentCode !== null || this.protocolError;
      this.metrics.closeCodes.inc({ code: String(this.sentCode ?? code), initiator: byEdge ? 'edge' : 'peer' });
      ws.removeAllListeners('message');
      ws.removeAllListeners('error');
      ws.on('error', () => undefined);
      listener.onSocketClosed(this.protocolError);
    });
  }

  send(text: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text, TEXT_FRAME);
  }

  /** A text frame from its UTF-8 bytes (the caller guarantees valid UTF-8): no string conversion. */
  sendBytes(bytes: Buffer): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(bytes, TEXT_FRAME);
  }

  /** Stops reading: no more frames are parsed; the close deadline then ends the socket. */
  pause(): void {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.pause();
  }

  close(code: number, reason: string): void {
    if (this.sentCode !== null || this.ws.readyState === WebSocket.CLOSED) return;
    this.sentCode = code;
    try {
      this.ws.close(code, reason);
    } catch {
      this.ws.terminate();
      return;
    }
    this.closeTimer = setTimeout(() => {
      this.closeTimer = null;
      this.ws.terminate();
    }, this.closeTimeoutMs);
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
