/**
 * Reads the body of a remote answer (a provider API response, a webhook request) incrementally,
 * with a byte cap and a deadline: past either the stream is cancelled, so neither a huge nor a
 * trickling body can hold memory or a connection.
 */
import { RemoteBodyError } from './errors.ts';

/**
 * A body to read: a WHATWG stream (`Response.body` of `fetch`) or a Node stream / async iterable of
 * bytes (`http.IncomingMessage`). `null` reads as empty.
 */
export type RemoteBodySource = ReadableStream<Uint8Array> | (AsyncIterable<Uint8Array> & { destroy?: (error?: Error) => unknown }) | null;

/** Options of {@link readRemoteBody}. */
export interface ReadRemoteBodyOptions {
  /** Largest body accepted, in bytes; a longer one fails `body_too_large` once the cap is passed. */
  maxBytes: number;
  /** Deadline of the whole read in milliseconds (none when absent): `body_timeout`. */
  timeoutMs?: number | undefined;
  /** Stops the read: `body_aborted`, with the signal's reason as the cause. */
  signal?: AbortSignal | undefined;
}

interface Cursor {
  next(): Promise<IteratorResult<Uint8Array>>;
  cancel(reason: Error): void;
}

/**
 * Reads `source` to its end and returns its bytes. Holds at most `maxBytes` plus one chunk; the
 * stream is cancelled (a Node stream destroyed, which drops its connection) on every failure path.
 *
 * @throws RemoteBodyError `body_too_large`, `body_timeout`, `body_aborted` or `body_failed`.
 */
export async function readRemoteBody(source: RemoteBodySource, options: ReadRemoteBodyOptions): Promise<Buffer> {
  const { maxBytes, timeoutMs, signal } = options;
  if (!Number.isInteger(maxBytes) || maxBytes < 0) throw new RangeError('maxBytes must be a non-negative integer');
  if (source === null) return Buffer.alloc(0);
  const cursor = cursorOf(source);
  if (signal?.aborted) {
    cursor.cancel(new Error('read aborted'));
    throw new RemoteBodyError('body_aborted', 'body read aborted', { cause: signal.reason });
  }

  let stop: (err: RemoteBodyError) => void = () => {};
  const stopped = new Promise<never>((_, reject) => {
    stop = reject;
  });
  stopped.catch(() => {});
  const onAbort = (): void => stop(new RemoteBodyError('body_aborted', 'body read aborted', { cause: signal?.reason }));
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => stop(new RemoteBodyError('body_timeout', `body not read within ${timeoutMs} ms`)), timeoutMs);

  const chunks: Buffer[] = [];
  let total = 0;
  let done = false;
  try {
    for (;;) {
      let step: IteratorResult<Uint8Array>;
      try {
        step = await Promise.race([cursor.next(), stopped]);
      } catch (err) {
        if (err instanceof RemoteBodyError) throw err;
        throw new RemoteBodyError('body_failed', 'body stream failed', { cause: err });
      }
      if (step.done) break;
      total += step.value.byteLength;
      if (total > maxBytes) throw new RemoteBodyError('body_too_large', `body exceeds ${maxBytes} bytes`);
      chunks.push(Buffer.from(step.value.buffer, step.value.byteOffset, step.value.byteLength));
    }
    done = true;
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    if (!done) cursor.cancel(new Error('body read stopped'));
  }
}

function cursorOf(source: Exclude<RemoteBodySource, null>): Cursor {
  if (isWebStream(source)) {
    const reader = source.getReader();
    return {
      next: () => reader.read() as Promise<IteratorResult<Uint8Array>>,
      cancel: (reason) => void reader.cancel(reason).catch(() => {}),
    };
  }
  const iterator = source[Symbol.asyncIterator]();
  return {
    next: () => iterator.next(),
    // Destroying a Node stream (without an error: nobody listens for one) also drops its socket.
    cancel: () => {
      if (typeof source.destroy === 'function') source.destroy();
      else void iterator.return?.()?.catch(() => {});
    },
  };
}

function isWebStream(source: Exclude<RemoteBodySource, null>): source is ReadableStream<Uint8Array> {
  return typeof (source as ReadableStream<Uint8Array>).getReader === 'function';
}
