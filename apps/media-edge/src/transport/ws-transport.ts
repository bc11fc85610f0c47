import { CloseInitiator, toCloseReason, type RunClose } from '@vr3/protocol';
import { WebSocket, type RawData } from 'ws';
import type { CallTransport } from '../call/types.ts';
import type { EdgeMetrics } from '../metrics.ts';

/** Every frame the edge sends: text, uncompressed (no permessage-deflate is negotiated anyway), whole. */
const TEXT_FRAME = { binary: false, compress: false, fin: true } as const;

/**
 * The close code `ws` sends when it closes a socket for a protocol violation, by the error's
 * documented `code` (`WS_ERR_*`); any other violation closes 1002.
 */
const PROTOCOL_ERROR_CLOSE_CODES: Readonly<Record<string, number>> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 1009,
  WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH: 1009,
  WS_ERR_INVALID_UTF8: 1007,
};
const PROTOCOL_ERROR_CLOSE_CODE = 1002;

/** What a {@link WsTransport} reports to its owner. */
export interface TransportListener {
  onFrame(data: Buffer | string, isBinary: boolean): void;
  /**
   * The socket is closed; `protocolError` when `ws` closed it for a protocol violation (e.g. 1009);
   * `close`: the code and reason of the first close and who sent it.
   */
  onSocketClosed(protocolError: boolean, close: RunClose): void;
}

/**
 * One provider socket: sends text frames, closes with a deadline after which the TCP socket is
 * destroyed (`terminate()`), counts close codes, and detaches every listener once closed.
 */
export class WsTransport implements CallTransport {
  private closeTimer: NodeJS.Timeout | null = null;
  private sent: { code: number; reason: string } | null = null;
  /** The code `ws` closed the socket with for a protocol violation. */
  private protocolErrorCode: number | null = null;

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
    ws.on('error', (err: Error & { code?: unknown }) => {
      // `ws` closes the socket itself (1009 oversized frame, 1002 protocol error); 'close' follows.
      this.protocolErrorCode ??= (typeof err.code === 'string' ? PROTOCOL_ERROR_CLOSE_CODES[err.code] : undefined) ?? PROTOCOL_ERROR_CLOSE_CODE;
    });
    ws.once('close', (code: number, reason: Buffer) => {
      if (this.closeTimer !== null) clearTimeout(this.closeTimer);
      this.closeTimer = null;
      const close = this.closeOf(code, reason);
      this.metrics.closeCodes.inc({ code: String(close.code), initiator: close.initiator });
      ws.removeAllListeners('message');
      ws.removeAllListeners('error');
      ws.on('error', () => undefined);
      listener.onSocketClosed(this.protocolErrorCode !== null, close);
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
    if (this.sent !== null || this.ws.readyState === WebSocket.CLOSED) return;
    this.sent = { code, reason };
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

  /** The first close: the edge's close frame, `ws`'s for a protocol violation, else the peer's (1005: none given, 1006: no close frame). */
  private closeOf(receivedCode: number, receivedReason: Buffer): RunClose {
    if (this.sent !== null) return { code: this.sent.code, reason: toCloseReason(this.sent.reason), initiator: CloseInitiator.Edge };
    if (this.protocolErrorCode !== null) return { code: this.protocolErrorCode, reason: '', initiator: CloseInitiator.Edge };
    return { code: receivedCode, reason: toCloseReason(receivedReason.toString('utf8')), initiator: CloseInitiator.Peer };
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
