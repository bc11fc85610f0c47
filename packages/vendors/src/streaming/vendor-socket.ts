/**
 * The WebSocket under every streaming vendor client, and the only place that opens one: connects
 * where the address policy allows (the guarded lookup of `@vr3/providers`, and an IP-literal check),
 * with a deadline and an `AbortSignal`; caps message size; sends the vendor's keep-alive when the
 * client has been quiet; fails a stream whose vendor stays silent while a reply is due; closes with a
 * deadline ending in `terminate()`. A vendor client is then only its wire format.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { checkRemoteHost, guardedLookup, readRemoteBody, RemoteAddressError } from '@vr3/providers';
import WebSocket from 'ws';
import type { ClientOptions, RawData } from 'ws';
import { ipLiteral } from './connection.ts';
import type { ResolvedConnectionOptions } from './connection.ts';
import { RETRYABLE_CLOSE_CODES, VendorError, isRetryableStatus } from '../errors.ts';
import type { StreamingVendor, VendorStreamClosed } from '../errors.ts';

/** What the vendor said when it refused the upgrade, as read from its answer. */
export interface RefusalFacts {
  vendorCode?: string | undefined;
  vendorMessage?: string | undefined;
}

/** How to reach one vendor endpoint, and how to read its refusals and close codes. */
export interface VendorSocketSpec {
  vendor: StreamingVendor;
  url: URL;
  /** Upgrade request headers (the credential among them). */
  headers: Readonly<Record<string, string>>;
  options: ResolvedConnectionOptions;
  /** Facts from a refused upgrade's headers and (at most 4 KiB of) body. */
  describeRefusal?: ((status: number, headers: IncomingHttpHeaders, body: string) => RefusalFacts) | undefined;
  /**
   * The error a close the client did not ask for stands for, or `undefined` to use the default
   * (`vendor_closed`, retryable per {@link RETRYABLE_CLOSE_CODES}).
   */
  classifyClose?: ((code: number, reason: string) => VendorError | undefined) | undefined;
}

/** What a {@link VendorSocket} reports to its vendor client. Nothing is reported after `onClosed`. */
export interface VendorSocketHandlers {
  /** One message (a text frame's UTF-8 bytes, or a binary frame). */
  onMessage(data: Buffer, isBinary: boolean): void;
  /** Nothing was sent for `keepAliveIntervalMs`: send the vendor's keep-alive. */
  onKeepAlive(): void;
  /** The stream ended (once); `closed.error` unset when the client closed it and nothing failed. */
  onClosed(closed: VendorStreamClosed): void;
}

/** Longest refused-upgrade body read for the vendor's error, and how long it may take. */
const REFUSAL_BODY_BYTES = 4096;
const REFUSAL_BODY_TIMEOUT_MS = 1000;

/**
 * Opens the socket of `spec`. Resolves once the upgrade succeeded; `handlers` receive every message
 * from then on (the first may arrive before the promise settles).
 *
 * @throws VendorError `address_not_allowed`, `connect_failed`, `connect_timeout`,
 * `auth_failed`, `upgrade_refused` or `aborted`.
 */
export async function openVendorSocket(spec: VendorSocketSpec, handlers: VendorSocketHandlers): Promise<VendorSocket> {
  const { vendor, url, options } = spec;
  const { signal } = options;
  if (signal?.aborted) throw abortedError(vendor, signal);
  const literal = ipLiteral(url.hostname);
  if (options.addressPolicy === 'public' && literal !== undefined) {
    // An IP literal never reaches the socket's lookup: check it here (no DNS involved).
    try {
      await checkRemoteHost(literal, { timeoutMs: options.connectTimeoutMs });
    } catch (err) {
      throw addressError(vendor, err);
    }
  }
  return new Promise<VendorSocket>((resolve, reject) => {
    let settled = false;
    const clientOptions: ClientOptions & { lookup: LookupFunction } = {
      headers: { ...spec.headers },
      maxPayload: options.maxMessageBytes,
      perMessageDeflate: false,
      followRedirects: false,
      lookup: guardedLookup(options.addressPolicy, options.resolveHost) as unknown as LookupFunction,
    };
    const ws = new WebSocket(url, clientOptions);
    const settle = (err: VendorError | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      ws.removeAllListeners();
      if (err === undefined) {
        resolve(new VendorSocket(spec, ws, handlers));
        return;
      }
      ws.on('error', () => {});
      if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
      reject(err);
    };
    const timer = setTimeout(
      () => settle(new VendorError(vendor, 'connect_timeout', `no WebSocket connection within ${options.connectTimeoutMs} ms`)),
      options.connectTimeoutMs,
    );
    const onAbort = (): void => settle(abortedError(vendor, signal));
    signal?.addEventListener('abort', onAbort, { once: true });
    ws.once('open', () => settle(undefined));
    ws.on('unexpected-response', (_req, res: IncomingMessage) => {
      void refusalOf(spec, res).then(settle);
    });
    ws.on('error', (err: Error) => {
      if (err instanceof RemoteAddressError) settle(addressError(vendor, err));
      else settle(new VendorError(vendor, 'connect_failed', 'could not connect to the vendor', { cause: err }));
    });
    ws.on('close', () => settle(new VendorError(vendor, 'connect_failed', 'the connection closed before the upgrade')));
  });
}

/** An open vendor WebSocket; see {@link openVendorSocket}. */
export class VendorSocket {
  readonly #spec: VendorSocketSpec;
  readonly #ws: WebSocket;
  readonly #handlers: VendorSocketHandlers;
  readonly #closed: Promise<VendorStreamClosed>;
  #resolveClosed!: (closed: VendorStreamClosed) => void;
  /** `onClosed` was called: report nothing more. */
  #done = false;
  /** The client asked for the close (graceful close, failure or abort). */
  #clientClosing = false;
  /** The failure that ends the stream, first one wins. */
  #failure: VendorError | undefined;
  #wsErrorCode: string | undefined;
  #lastSentAt = performance.now();
  #lastReceivedAt = performance.now();
  #awaitingSince: number | undefined;
  #keepAliveTimer: NodeJS.Timeout | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #closeTimer: NodeJS.Timeout | undefined;
  readonly #onAbort = (): void => this.fail(abortedError(this.#spec.vendor, this.#spec.options.signal));

  /** Use {@link openVendorSocket}. */
  constructor(spec: VendorSocketSpec, ws: WebSocket, handlers: VendorSocketHandlers) {
    this.#spec = spec;
    this.#ws = ws;
    this.#handlers = handlers;
    this.#closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      this.#lastReceivedAt = performance.now();
      if (!this.#done) this.#handlers.onMessage(data as Buffer, isBinary);
    });
    ws.on('error', (err: Error & { code?: string }) => {
      this.#wsErrorCode ??= typeof err.code === 'string' ? err.code : 'unknown';
    });
    ws.on('close', (code: number, reason: Buffer) => this.#onClose(code, reason.toString('utf8')));
    spec.options.signal?.addEventListener('abort', this.#onAbort, { once: true });
    if (spec.options.signal?.aborted) queueMicrotask(this.#onAbort);
    this.#armKeepAlive(spec.options.keepAliveIntervalMs);
  }

  /** Resolves (never rejects) when the stream has ended. */
  get closed(): Promise<VendorStreamClosed> {
    return this.#closed;
  }

  /** True while messages may be sent. */
  get isOpen(): boolean {
    return !this.#clientClosing && !this.#done && this.#ws.readyState === WebSocket.OPEN;
  }

  /** Bytes handed to the socket and not yet written to the network. */
  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  /** Sends `message` as a JSON text frame; `false` (nothing sent) unless open. */
  sendJson(message: unknown): boolean {
    if (!this.isOpen) return false;
    this.#ws.send(JSON.stringify(message));
    this.#lastSentAt = performance.now();
    return true;
  }

  /**
   * Sends a binary frame; `false` (nothing sent) unless open or when more than `maxBufferedBytes`
   * are still unsent.
   */
  sendBinary(data: Uint8Array): boolean {
    if (!this.isOpen || this.#ws.bufferedAmount > this.#spec.options.maxBufferedBytes) return false;
    this.#ws.send(data, { binary: true });
    this.#lastSentAt = performance.now();
    return true;
  }

  /** Sends a WebSocket ping (the keep-alive of vendors without one of their own). */
  ping(): void {
    if (!this.isOpen) return;
    this.#ws.ping();
    this.#lastSentAt = performance.now();
  }

  /**
   * Whether a reply is due. While it is, the vendor must send something at least every
   * `idleTimeoutMs`, or the stream fails `idle_timeout`.
   */
  setAwaitingReply(awaiting: boolean): void {
    if (!awaiting) {
      this.#awaitingSince = undefined;
      return;
    }
    if (this.#awaitingSince !== undefined || this.#done) return;
    this.#awaitingSince = performance.now();
    if (this.#idleTimer === undefined) this.#armIdle(this.#spec.options.idleTimeoutMs);
  }

  /**
   * Waits for the vendor to close (after the client sent the vendor's own "close" message), up to
   * `closeTimeoutMs`; then closes with 1000 and terminates. Resolves with how the stream ended.
   */
  awaitVendorClose(): Promise<VendorStreamClosed> {
    if (!this.#done && !this.#clientClosing) {
      this.#clientClosing = true;
      this.#clearActivityTimers();
      this.#closeTimer = setTimeout(() => {
        this.#failure ??= new VendorError(this.#spec.vendor, 'idle_timeout', `the vendor did not close within ${this.#spec.options.closeTimeoutMs} ms`);
        this.#closeNow(1000, '');
      }, this.#spec.options.closeTimeoutMs);
    }
    return this.#closed;
  }

  /** Closes with `code` (default 1000) and resolves once closed; terminates past `closeTimeoutMs`. Idempotent. */
  close(code = 1000, reason = ''): Promise<VendorStreamClosed> {
    if (!this.#done) {
      this.#clientClosing = true;
      this.#clearActivityTimers();
      this.#closeNow(code, reason);
    }
    return this.#closed;
  }

  /**
   * Ends the stream at once with `error` (reported through `onClosed` and `closed` now), closing the
   * socket in the background (terminated past `closeTimeoutMs`). Ignored once the stream ended.
   */
  fail(error: VendorError): void {
    if (this.#done) return;
    this.#failure ??= error;
    this.#clientClosing = true;
    this.#clearActivityTimers();
    this.#closeNow(1000, '');
    this.#finish({ code: 1000, reason: '', error: this.#failure });
  }

  /** Drops the connection at once; `closed` resolves with 1006 (and no error when the client asked nothing else). */
  terminate(): void {
    if (this.#done) return;
    this.#clientClosing = true;
    this.#clearActivityTimers();
    this.#ws.terminate();
  }

  #closeNow(code: number, reason: string): void {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.close(code, reason);
    else if (this.#ws.readyState !== WebSocket.CLOSED && this.#ws.readyState !== WebSocket.CLOSING) this.#ws.terminate();
    if (this.#closeTimer !== undefined) clearTimeout(this.#closeTimer);
    this.#closeTimer = setTimeout(() => {
      this.#closeTimer = undefined;
      this.#ws.terminate();
    }, this.#spec.options.closeTimeoutMs);
  }

  #onClose(code: number, reason: string): void {
    this.#clearActivityTimers();
    if (this.#closeTimer !== undefined) clearTimeout(this.#closeTimer);
    this.#closeTimer = undefined;
    this.#spec.options.signal?.removeEventListener('abort', this.#onAbort);
    if (this.#done) return;
    let error = this.#failure;
    if (error === undefined && this.#wsErrorCode === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      error = new VendorError(this.#spec.vendor, 'message_too_large', `the vendor sent a message over ${this.#spec.options.maxMessageBytes} bytes`, { closeCode: 1009 });
    }
    if (error === undefined && !this.#clientClosing) error = this.#spec.classifyClose?.(code, reason) ?? unexpectedClose(this.#spec.vendor, code, reason);
    this.#finish({ code, reason, error });
  }

  #finish(closed: VendorStreamClosed): void {
    if (this.#done) return;
    this.#done = true;
    try {
      this.#handlers.onClosed(closed);
    } finally {
      this.#resolveClosed(closed);
    }
  }

  #armKeepAlive(delayMs: number): void {
    this.#keepAliveTimer = setTimeout(() => {
      this.#keepAliveTimer = undefined;
      if (!this.isOpen) return;
      const interval = this.#spec.options.keepAliveIntervalMs;
      const quiet = performance.now() - this.#lastSentAt;
      if (quiet >= interval) {
        this.#handlers.onKeepAlive();
        this.#armKeepAlive(interval);
      } else this.#armKeepAlive(interval - quiet);
    }, Math.max(1, delayMs));
  }

  #armIdle(delayMs: number): void {
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = undefined;
      if (this.#awaitingSince === undefined || this.#done) return;
      const limit = this.#spec.options.idleTimeoutMs;
      const silent = performance.now() - Math.max(this.#lastReceivedAt, this.#awaitingSince);
      if (silent >= limit) this.fail(new VendorError(this.#spec.vendor, 'idle_timeout', `no reply from the vendor within ${limit} ms`));
      else this.#armIdle(limit - silent);
    }, Math.max(1, delayMs));
  }

  #clearActivityTimers(): void {
    if (this.#keepAliveTimer !== undefined) clearTimeout(this.#keepAliveTimer);
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#keepAliveTimer = undefined;
    this.#idleTimer = undefined;
    this.#awaitingSince = undefined;
  }
}

/** The default error of a close nobody asked for. */
export function unexpectedClose(vendor: StreamingVendor, code: number, reason: string): VendorError {
  return new VendorError(vendor, 'vendor_closed', `the vendor closed the stream (close code ${code})`, {
    closeCode: code,
    vendorMessage: reason === '' ? undefined : reason,
    retryable: code === 1000 || RETRYABLE_CLOSE_CODES.has(code),
  });
}

async function refusalOf(spec: VendorSocketSpec, res: IncomingMessage): Promise<VendorError> {
  const status = res.statusCode ?? 0;
  let body = '';
  try {
    body = (await readRemoteBody(res, { maxBytes: REFUSAL_BODY_BYTES, timeoutMs: REFUSAL_BODY_TIMEOUT_MS })).toString('utf8');
  } catch {
    // The status alone is enough.
  }
  let facts: RefusalFacts = {};
  try {
    facts = spec.describeRefusal?.(status, res.headers, body) ?? {};
  } catch {
    // A vendor answer we cannot read: the status alone.
  }
  const auth = status === 401 || status === 403;
  return new VendorError(spec.vendor, auth ? 'auth_failed' : 'upgrade_refused', `the vendor refused the WebSocket upgrade (HTTP ${status})`, {
    httpStatus: status,
    retryable: !auth && isRetryableStatus(status),
    vendorCode: facts.vendorCode,
    vendorMessage: facts.vendorMessage,
  });
}

function addressError(vendor: StreamingVendor, err: unknown): VendorError {
  if (err instanceof RemoteAddressError && err.code === 'address_not_allowed') {
    return new VendorError(vendor, 'address_not_allowed', 'the vendor address is not allowed', { cause: err, rule: err.rule });
  }
  return new VendorError(vendor, 'connect_failed', 'the vendor host name does not resolve', { cause: err });
}

function abortedError(vendor: StreamingVendor, signal: AbortSignal | undefined): VendorError {
  return new VendorError(vendor, 'aborted', 'the stream was aborted', { cause: signal?.reason });
}
