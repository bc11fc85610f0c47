/**
 * One request to an OpenAI-compatible API whose answer body is read incrementally: the shared base
 * of chat, speech and transcription, owning the deadlines, the byte cap, the caller's signal and
 * the error classification. Sent through `@vr3/providers`' guarded transport, so the address policy
 * holds for every connection. Every path clears its timer and listener; a body not read to its end
 * drops its connection (the server sees it close).
 */
import { RemoteAddressError } from '@vr3/providers';
import type { RemoteBodySource, TransportAnswer } from '@vr3/providers';
import { VendorError, bodyExcerptOf } from '../errors.ts';
import type { VendorErrorCode, OpenAiOperation } from '../errors.ts';
import type { ResolvedClientOptions } from './options.ts';

/** The deadlines of an exchange. */
export type ExchangeDeadlines =
  /** A streamed body: `firstByteMs` until the first body byte, then `idleMs` between chunks. */
  | { kind: 'stream'; firstByteMs: number; idleMs: number }
  /** A whole exchange, body included, within `totalMs`. */
  | { kind: 'request'; totalMs: number };

/** What to send. */
export interface ExchangeRequest {
  operation: OpenAiOperation;
  /** Path under the base URL, e.g. `/v1/chat/completions`. */
  path: string;
  /** Content headers; authorization and the client's extra headers are added. */
  headers: Record<string, string>;
  body: string | Uint8Array;
  deadlines: ExchangeDeadlines;
  /** Cap of the success body in bytes: past it, `vendor_response_too_large`. */
  maxBytes: number;
  signal?: AbortSignal | undefined;
}

/** How long a finished stream's trailing bytes are awaited so its connection can be reused. */
const DRAIN_TIMEOUT_MS = 1_000;
/** Most trailing bytes read while draining. */
const DRAIN_MAX_BYTES = 64 * 1024;

interface Cursor {
  next(): Promise<IteratorResult<Uint8Array>>;
  cancel(): void;
}

/**
 * Sends `req` and resolves once a 2xx answer's headers arrived, with a reader of its body.
 *
 * @throws VendorError `vendor_address_not_allowed`, `vendor_network`, `vendor_aborted`,
 * `vendor_first_byte_timeout` / `vendor_timeout`, `vendor_unavailable` / `vendor_rejected` (with
 * `status` and a redacted `bodyExcerpt`).
 */
export async function openExchange(client: ResolvedClientOptions, req: ExchangeRequest): Promise<Exchange> {
  const exchange = new Exchange(client, req);
  await exchange.open();
  return exchange;
}

/** A 2xx answer whose body is being read; see {@link openExchange}. */
export class Exchange {
  readonly #client: ResolvedClientOptions;
  readonly #req: ExchangeRequest;
  readonly #controller = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #failure: VendorError | undefined;
  #reject: (err: VendorError) => void = () => {};
  readonly #stopped: Promise<never>;
  #cursor: Cursor | undefined;
  #status = 0;
  #bytes = 0;
  #gotFirstByte = false;
  #ended = false;
  #closed = false;
  readonly #onCallerAbort = (): void => this.#stop(this.#error('vendor_aborted', 'aborted by caller', { cause: this.#req.signal?.reason }));

  constructor(client: ResolvedClientOptions, req: ExchangeRequest) {
    this.#client = client;
    this.#req = req;
    this.#stopped = new Promise<never>((_, reject) => {
      this.#reject = reject;
    });
    this.#stopped.catch(() => {});
  }

  /** HTTP status of the answer. */
  get status(): number {
    return this.#status;
  }

  /** @internal Sends the request; see {@link openExchange}. */
  async open(): Promise<void> {
    const { signal } = this.#req;
    if (signal?.aborted) throw this.#error('vendor_aborted', 'aborted by caller', { cause: signal.reason });
    signal?.addEventListener('abort', this.#onCallerAbort, { once: true });
    const d = this.#req.deadlines;
    if (d.kind === 'stream') this.#arm(d.firstByteMs, 'vendor_first_byte_timeout', `no first byte within ${d.firstByteMs} ms`);
    else this.#arm(d.totalMs, 'vendor_timeout', `not answered within ${d.totalMs} ms`);

    const sent = this.#client.transport({
      method: 'POST',
      url: `${this.#client.baseUrl}${this.#req.path}`,
      headers: { ...this.#client.headers, ...this.#req.headers, authorization: `Bearer ${this.#client.apiKey}` },
      body: this.#req.body,
      signal: this.#controller.signal,
    });
    let answer: TransportAnswer;
    try {
      answer = await Promise.race([sent, this.#stopped]);
    } catch (err) {
      // An answer that arrives after we gave up is dropped.
      sent.then((late) => late.discard(), () => {});
      this.close();
      throw this.#failure ?? this.#transportError(err);
    }
    this.#status = answer.status;
    this.#cursor = cursorOf(answer.body);
    if (answer.status < 200 || answer.status > 299) {
      const excerpt = await this.#readExcerpt();
      this.close();
      const code = answer.status >= 500 || answer.status === 429 || answer.status === 408 ? 'vendor_unavailable' : 'vendor_rejected';
      throw this.#error(code, `answered HTTP ${answer.status}`, { status: answer.status, bodyExcerpt: excerpt });
    }
  }

  /**
   * The next chunk of the body, or `undefined` at its end.
   *
   * @throws VendorError `vendor_first_byte_timeout`, `vendor_idle_timeout`, `vendor_timeout`,
   * `vendor_aborted`, `vendor_response_too_large`, `vendor_network` (the body broke off).
   */
  async next(): Promise<Buffer | undefined> {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#ended || this.#cursor === undefined) return undefined;
    const d = this.#req.deadlines;
    if (d.kind === 'stream' && this.#gotFirstByte) this.#arm(d.idleMs, 'vendor_idle_timeout', `no data for ${d.idleMs} ms`);
    let step: IteratorResult<Uint8Array>;
    try {
      step = await Promise.race([this.#cursor.next(), this.#stopped]);
    } catch (err) {
      if (this.#failure !== undefined) throw this.#failure;
      const failure = this.#error('vendor_network', 'stream broke off', { cause: err });
      this.#stop(failure);
      throw failure;
    }
    if (d.kind === 'stream') this.#disarm();
    if (step.done) {
      this.#ended = true;
      this.close();
      return undefined;
    }
    this.#gotFirstByte = true;
    this.#bytes += step.value.byteLength;
    if (this.#bytes > this.#req.maxBytes) {
      const failure = this.#error('vendor_response_too_large', `answer exceeds ${this.#req.maxBytes} bytes`);
      this.#stop(failure);
      throw failure;
    }
    return Buffer.from(step.value.buffer, step.value.byteOffset, step.value.byteLength);
  }

  /** Stops with `err` (a parse failure of the caller's): drops the connection; later `next()` rejects with it. */
  fail(err: VendorError): void {
    this.#stop(err);
  }

  /**
   * Done with the body. Unless it was read to its end, the connection is dropped — except with
   * `drain`, for a stream whose protocol already ended (`[DONE]`): then its last bytes are awaited
   * briefly in the background, so the connection can go back to the pool. Idempotent.
   */
  close(options: { drain?: boolean } = {}): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#disarm();
    this.#req.signal?.removeEventListener('abort', this.#onCallerAbort);
    if (this.#ended || this.#failure !== undefined) return;
    if (options.drain === true && this.#cursor !== undefined) void this.#drain(this.#cursor);
    else this.#dropConnection();
  }

  /** An error of this exchange's vendor and operation. */
  #error(code: VendorErrorCode, what: string, extra: { status?: number; bodyExcerpt?: string | undefined; cause?: unknown } = {}): VendorError {
    return new VendorError(this.#client.vendor, code, `${this.#client.vendor} ${this.#req.operation} ${what}`, {
      operation: this.#req.operation,
      ...extra,
    });
  }

  #transportError(err: unknown): VendorError {
    if (err instanceof RemoteAddressError && err.code === 'address_not_allowed') {
      const why = err.rule === 'insecure_scheme' ? 'the URL is not https' : 'the host is not a public address';
      return this.#error('vendor_address_not_allowed', `refused: ${why}`, { cause: err });
    }
    return this.#error('vendor_network', 'failed: no answer', { cause: err });
  }

  #stop(err: VendorError): void {
    if (this.#failure !== undefined) return;
    this.#failure = err;
    this.#reject(err);
    this.#disarm();
    this.#req.signal?.removeEventListener('abort', this.#onCallerAbort);
    this.#dropConnection();
  }

  #dropConnection(): void {
    this.#controller.abort();
    this.#cursor?.cancel();
  }

  #arm(ms: number, code: VendorErrorCode, what: string): void {
    this.#disarm();
    this.#timer = setTimeout(() => this.#stop(this.#error(code, what)), ms);
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Up to `maxErrorBodyBytes` of an error answer, redacted; `undefined` when it cannot be read in time. */
  async #readExcerpt(): Promise<string | undefined> {
    const cursor = this.#cursor;
    if (cursor === undefined) return undefined;
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      while (total < this.#client.maxErrorBodyBytes) {
        const step = await Promise.race([cursor.next(), this.#stopped]);
        if (step.done) {
          this.#ended = true;
          break;
        }
        chunks.push(Buffer.from(step.value.buffer, step.value.byteOffset, step.value.byteLength));
        total += step.value.byteLength;
      }
    } catch {
      if (chunks.length === 0) return undefined;
    }
    const text = Buffer.concat(chunks).subarray(0, this.#client.maxErrorBodyBytes).toString('utf8');
    return bodyExcerptOf(text, this.#client.apiKey);
  }

  async #drain(cursor: Cursor): Promise<void> {
    const timer = setTimeout(() => cursor.cancel(), DRAIN_TIMEOUT_MS);
    let total = 0;
    try {
      for (;;) {
        const step = await cursor.next();
        if (step.done) return;
        total += step.value.byteLength;
        if (total > DRAIN_MAX_BYTES) return cursor.cancel();
      }
    } catch {
      cursor.cancel();
    } finally {
      clearTimeout(timer);
    }
  }
}

function cursorOf(source: RemoteBodySource): Cursor {
  if (source === null) return { next: () => Promise.resolve({ done: true, value: undefined }), cancel: () => {} };
  if (typeof (source as ReadableStream<Uint8Array>).getReader === 'function') {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    return {
      next: () => reader.read() as Promise<IteratorResult<Uint8Array>>,
      cancel: () => void reader.cancel().catch(() => {}),
    };
  }
  const iterable = source as AsyncIterable<Uint8Array> & { destroy?: (error?: Error) => unknown };
  const iterator = iterable[Symbol.asyncIterator]();
  return {
    next: () => iterator.next(),
    // Destroying a Node stream also drops its socket.
    cancel: () => {
      if (typeof iterable.destroy === 'function') iterable.destroy();
      else void iterator.return?.()?.catch(() => {});
    },
  };
}
