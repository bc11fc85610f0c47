import type { ServerResponse } from 'node:http';

/** Headers of a `text/event-stream` answer: never cached, never buffered by a proxy, never compressed. */
export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-store, no-transform',
  'x-accel-buffering': 'no',
} as const;

/** How long a browser waits before reconnecting a dropped stream, in milliseconds (the `retry:` field). */
export const SSE_RETRY_MS = 3000;

/**
 * Writes Server-Sent Events on one HTTP answer. Bounded: once more than `maxBufferedBytes` wait
 * in the socket's buffer (a client that does not read), the answer is ended and `onOverflow` is
 * told; the client reconnects and starts again from a snapshot. `close()` is idempotent.
 */
export class SseWriter {
  #closed = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly maxBufferedBytes: number,
    private readonly onOverflow: () => void = () => {},
  ) {}

  /** Sends the status line and headers, and the reconnect delay. */
  open(): void {
    this.res.writeHead(200, SSE_HEADERS);
    this.res.flushHeaders();
    this.#write(`retry: ${SSE_RETRY_MS}\n\n`);
  }

  get closed(): boolean {
    return this.#closed || this.res.destroyed || this.res.writableEnded;
  }

  /** One event: `event: <name>` and its JSON `data` (JSON text holds no raw newline). */
  event(name: string, data: unknown): void {
    this.#write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** A comment line (heartbeat): keeps proxies and the browser from timing the stream out. */
  comment(text: string): void {
    this.#write(`: ${text}\n\n`);
  }

  /** Ends the answer. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.res.writableEnded) this.res.end();
  }

  #write(chunk: string): void {
    if (this.closed) return;
    this.res.write(chunk);
    if (this.res.writableLength > this.maxBufferedBytes) {
      this.close();
      this.onOverflow();
    }
  }
}
