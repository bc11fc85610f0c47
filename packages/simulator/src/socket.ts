import WebSocket from 'ws';
import { SimulatorError, SimulatorErrorCode } from './errors.ts';

/** Options of {@link openSocket}. */
export interface OpenSocketOptions {
  /** Deadline for TCP connect + upgrade, ms. */
  timeoutMs: number;
  /** Largest frame accepted from the server, bytes. */
  maxPayload?: number;
  /**
   * Send frames with an all-zero masking key, which `ws` then skips applying: legal per RFC 6455
   * (the key must merely be present) and saves a copy per frame. For load generation only.
   */
  zeroMask?: boolean;
  /** Called with the HTTP status when the server refuses the upgrade, before the promise rejects. */
  onRefused?: (status: number) => void;
}

const zeroMask = (mask: Buffer): void => void mask.fill(0);

/**
 * Opens a client WebSocket to `url` the way a provider does (no compression, text frames).
 * Rejects with `SimulatorError('connect_failed')`; the HTTP status of a refused upgrade is in the message.
 */
export function openSocket(url: string, options: OpenSocketOptions): Promise<WebSocket> {
  const ws = new WebSocket(url, {
    perMessageDeflate: false,
    handshakeTimeout: options.timeoutMs,
    maxPayload: options.maxPayload ?? 1 << 20,
    skipUTF8Validation: true,
    ...(options.zeroMask ? { generateMask: zeroMask } : {}),
  });
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      ws.off('open', onOpen);
      ws.off('unexpected-response', onRefused);
      ws.off('error', onError);
    };
    const onOpen = (): void => {
      cleanup();
      resolve(ws);
    };
    const onRefused = (_req: unknown, res: { statusCode?: number; resume(): void }): void => {
      cleanup();
      res.resume();
      // terminate() while connecting emits `error`: without a listener it would be uncaught.
      ws.on('error', () => undefined);
      ws.terminate();
      options.onRefused?.(res.statusCode ?? 0);
      reject(new SimulatorError(SimulatorErrorCode.ConnectFailed, `upgrade refused with HTTP ${res.statusCode ?? 0}`));
    };
    const onError = (err: Error): void => {
      cleanup();
      ws.terminate();
      reject(new SimulatorError(SimulatorErrorCode.ConnectFailed, 'connection failed', { cause: err, retryable: true }));
    };
    ws.on('open', onOpen);
    ws.on('unexpected-response', onRefused);
    ws.on('error', onError);
  });
}
