/**
 * A client of OpenAI Realtime over WebSocket: {@link connectOpenAiRealtime} opens the socket under
 * the product's address policy (wss + public address unless told otherwise, checked on the address
 * connected to), and {@link OpenAiRealtimeSession} sends typed commands and delivers typed events.
 */
import type { LookupFunction } from 'node:net';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { addressNotAllowed, addressRuleOf, guardedLookup, ipLiteralOf, RemoteAddressError, systemResolveHost } from '@vr3/providers';
import type { RemoteAddressPolicy, ResolveHost } from '@vr3/providers';
import { VendorError, bodyExcerptOf } from '../errors.ts';
import type { VendorErrorCode } from '../errors.ts';
import { checkBaseUrl, positive, positiveInt } from '../openai-compatible/options.ts';
import { RealtimeEventDecoder } from './events.ts';
import type { RealtimeCommand, RealtimeEvent } from './events.ts';
import { sessionUpdatePayload } from './session-config.ts';
import type { RealtimeSessionConfig } from './session-config.ts';

/** Defaults of {@link OpenAiRealtimeOptions}. */
export const OPENAI_REALTIME_DEFAULTS = {
  url: 'wss://api.openai.com/v1/realtime',
  vendor: 'openai',
  addressPolicy: 'public',
  /** 10 s for connect, TLS and the upgrade. */
  handshakeTimeoutMs: 10_000,
  /** 2 s for the vendor to answer our close frame; then the socket is terminated. */
  closeTimeoutMs: 2_000,
  /** 16 MiB per server message (an audio delta is a few KiB; `session.updated` echoes instructions). */
  maxPayloadBytes: 16 * 1024 * 1024,
  /**
   * 1 MiB unsent on the socket (about 20 s of 24 kHz PCM16 as base64): past it `appendAudio` drops
   * the new audio and counts it, rather than queueing without bound.
   */
  maxBufferedBytes: 1024 * 1024,
} as const;

/** Most bytes of a refused upgrade's body read for the error excerpt. */
const MAX_ERROR_BODY_BYTES = 4 * 1024;

/** Options of {@link connectOpenAiRealtime}. Durations in milliseconds, sizes in bytes. */
export interface OpenAiRealtimeOptions {
  apiKey: string;
  /** Sent as the `model` query parameter (`gpt-realtime`). */
  model: string;
  /** Endpoint without query. Default `wss://api.openai.com/v1/realtime`. */
  url?: string | undefined;
  /** Vendor label in errors. Default `'openai'`. */
  vendor?: string | undefined;
  /** `'public'` (default): wss only, public addresses only. `'any'`: the insecure option (local stand-ins). */
  addressPolicy?: RemoteAddressPolicy | undefined;
  resolveHost?: ResolveHost | undefined;
  /** Further upgrade headers; cannot replace `Authorization`. */
  headers?: Readonly<Record<string, string>> | undefined;
  handshakeTimeoutMs?: number | undefined;
  closeTimeoutMs?: number | undefined;
  maxPayloadBytes?: number | undefined;
  maxBufferedBytes?: number | undefined;
  /** Aborts the connect, or terminates an open session. */
  signal?: AbortSignal | undefined;
  /**
   * Receives every server event in order, synchronously from the socket. A listener that throws
   * ends the session (`closed` resolves with `vendor_closed`, the thrown error as its cause).
   */
  onEvent: (event: RealtimeEvent) => void;
}

/** How a session ended. */
export interface RealtimeCloseInfo {
  code: number;
  reason: string;
  /** We closed it (`close()`, the signal). */
  byClient: boolean;
  /** Why it ended when not by us: `vendor_closed`, `vendor_network`. */
  error?: VendorError | undefined;
}

/** A function call's place in the conversation, for {@link OpenAiRealtimeSession.truncate}. */
export interface RealtimeTruncation {
  itemId: string;
  /** Default 0. */
  contentIndex?: number | undefined;
  /** Audio heard by the caller, in ms; non-finite or negative values become 0 (the API rejects NaN). */
  audioEndMs: number;
}

/** Counters of one session. */
export interface RealtimeSessionStats {
  /** Audio bytes `appendAudio` dropped because the socket was backed up or not open. */
  droppedAudioBytes: number;
  /** Server messages that were not JSON objects with a `type` (ignored). */
  malformedEvents: number;
}

interface SessionContext {
  vendor: string;
  apiKey: string;
  closeTimeoutMs: number;
  maxBufferedBytes: number;
  signal: AbortSignal | undefined;
  onEvent: (event: RealtimeEvent) => void;
}

/**
 * Opens a Realtime session and resolves once the socket is open (the vendor then sends
 * `session.created`; configure with {@link OpenAiRealtimeSession.updateSession}).
 *
 * @throws VendorError `invalid_option` for a bad option.
 * @throws VendorError `vendor_address_not_allowed` (nothing sent), `vendor_timeout` (handshake),
 * `vendor_rejected` / `vendor_unavailable` (upgrade refused: `status`, `bodyExcerpt`),
 * `vendor_network`, `vendor_aborted`.
 */
export async function connectOpenAiRealtime(options: OpenAiRealtimeOptions): Promise<OpenAiRealtimeSession> {
  const d = OPENAI_REALTIME_DEFAULTS;
  if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '' || /[\r\n]/.test(options.apiKey)) throw new VendorError('openai', 'invalid_option', 'apiKey is empty or malformed');
  if (typeof options.model !== 'string' || options.model.trim() === '') throw new VendorError('openai', 'invalid_option', 'model is empty');
  const policy = options.addressPolicy ?? d.addressPolicy;
  if (policy !== 'public' && policy !== 'any') throw new VendorError('openai', 'invalid_option', 'addressPolicy must be "public" or "any"');
  const url = new URL(checkBaseUrl(options.url ?? d.url, ['ws:', 'wss:']));
  url.searchParams.set('model', options.model);
  const handshakeTimeoutMs = positive('handshakeTimeoutMs', options.handshakeTimeoutMs ?? d.handshakeTimeoutMs);
  const ctx: SessionContext = {
    vendor: options.vendor ?? d.vendor,
    apiKey: options.apiKey,
    closeTimeoutMs: positive('closeTimeoutMs', options.closeTimeoutMs ?? d.closeTimeoutMs),
    maxBufferedBytes: positiveInt('maxBufferedBytes', options.maxBufferedBytes ?? d.maxBufferedBytes),
    signal: options.signal,
    onEvent: options.onEvent,
  };
  const fail = (code: VendorErrorCode, what: string, extra: { status?: number; bodyExcerpt?: string | undefined; cause?: unknown } = {}): VendorError =>
    new VendorError(ctx.vendor, code, `${ctx.vendor} realtime ${what}`, { operation: 'realtime', ...extra });

  if (policy === 'public') {
    if (url.protocol !== 'wss:') {
      throw fail('vendor_address_not_allowed', 'refused: the URL is not wss', { cause: new RemoteAddressError('address_not_allowed', 'URL must use wss', { rule: 'insecure_scheme' }) });
    }
    // An IP literal never goes through `lookup`: check it here.
    const literal = ipLiteralOf(url.hostname);
    const rule = literal === undefined ? undefined : addressRuleOf(literal);
    if (rule !== undefined) throw fail('vendor_address_not_allowed', 'refused: the host is not a public address', { cause: addressNotAllowed(rule) });
  }
  if (options.signal?.aborted) throw fail('vendor_aborted', 'aborted by caller', { cause: options.signal.reason });

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (name.toLowerCase() === 'authorization') throw new VendorError('openai', 'invalid_option', 'header Authorization is set by the client');
    headers[name] = value;
  }
  headers.Authorization = `Bearer ${options.apiKey}`;
  const ws = new WebSocket(url, {
    headers,
    perMessageDeflate: false,
    followRedirects: false,
    maxPayload: positiveInt('maxPayloadBytes', options.maxPayloadBytes ?? d.maxPayloadBytes),
    lookup: guardedLookup(policy, options.resolveHost ?? systemResolveHost) as unknown as LookupFunction,
  });
  // Listeners (events included) are attached before the upgrade completes.
  const session = new OpenAiRealtimeSession(ws, ctx);

  return new Promise<OpenAiRealtimeSession>((resolve, reject) => {
    let settled = false;
    const settle = (err?: VendorError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      ws.off('open', onOpen);
      ws.off('error', onError);
      if (err === undefined) return resolve(session);
      ws.terminate();
      reject(err);
    };
    const onOpen = (): void => settle();
    const onError = (err: Error): void => {
      if (err instanceof RemoteAddressError && err.code === 'address_not_allowed') settle(fail('vendor_address_not_allowed', 'refused: the host is not a public address', { cause: err }));
      else settle(fail('vendor_network', 'failed: no connection', { cause: err }));
    };
    const onAbort = (): void => settle(fail('vendor_aborted', 'aborted by caller', { cause: options.signal?.reason }));
    const timer = setTimeout(() => settle(fail('vendor_timeout', `handshake not done within ${handshakeTimeoutMs} ms`)), handshakeTimeoutMs);
    ws.once('open', onOpen);
    ws.on('error', onError);
    ws.once('unexpected-response', (req, res) => {
      void readExcerpt(res, ctx.apiKey).then((excerpt) => {
        req.destroy();
        const status = res.statusCode ?? 0;
        const code = status >= 500 || status === 429 || status === 408 ? 'vendor_unavailable' : 'vendor_rejected';
        settle(fail(code, `upgrade refused with HTTP ${status}`, { status, bodyExcerpt: excerpt }));
      });
    });
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** An open Realtime session. Send methods need it open; {@link close} is idempotent. */
export class OpenAiRealtimeSession {
  readonly #ws: WebSocket;
  readonly #ctx: SessionContext;
  readonly #decoder = new RealtimeEventDecoder();
  readonly #stats: RealtimeSessionStats = { droppedAudioBytes: 0, malformedEvents: 0 };
  #byClient = false;
  #error: VendorError | undefined;
  #closeTimer: NodeJS.Timeout | undefined;
  /** Resolves when the socket has closed, however it ended. */
  readonly closed: Promise<RealtimeCloseInfo>;
  readonly #onAbort = (): void => {
    this.#byClient = true;
    this.#ws.terminate();
  };

  /** @internal Use {@link connectOpenAiRealtime}. */
  constructor(ws: WebSocket, ctx: SessionContext) {
    this.#ws = ws;
    this.#ctx = ctx;
    ctx.signal?.addEventListener('abort', this.#onAbort, { once: true });
    ws.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    // Errors after the upgrade end in 'close'; remember the first one for `closed`.
    ws.on('error', (err) => {
      if (ws.readyState !== WebSocket.CONNECTING) this.#error ??= this.#fail('vendor_network', 'socket failed', err);
    });
    this.closed = new Promise<RealtimeCloseInfo>((resolve) => {
      ws.once('close', (code: number, reason: Buffer) => {
        clearTimeout(this.#closeTimer);
        ctx.signal?.removeEventListener('abort', this.#onAbort);
        const error = this.#error ?? (this.#byClient ? undefined : this.#fail('vendor_closed', `closed by the vendor (${code})`));
        resolve({ code, reason: reason.toString('utf8'), byClient: this.#byClient, error });
      });
    });
  }

  /** Counters of this session (live). */
  get stats(): Readonly<RealtimeSessionStats> {
    return this.#stats;
  }

  /** Whether commands can be sent. */
  get open(): boolean {
    return this.#ws.readyState === WebSocket.OPEN;
  }

  /** Bytes queued on the socket, not yet sent. */
  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  /** Sends one client event. @throws VendorError `vendor_closed` when the socket is not open. */
  send(command: RealtimeCommand): void {
    if (this.#ws.readyState !== WebSocket.OPEN) throw this.#fail('vendor_closed', 'session is not open');
    this.#ws.send(JSON.stringify(command));
  }

  /** `session.update` with `config` (only the fields given). */
  updateSession(config: RealtimeSessionConfig): void {
    this.send({ type: 'session.update', session: sessionUpdatePayload(config) });
  }

  /**
   * `input_audio_buffer.append` of `audio` (in the session's input format). Returns false and
   * counts the bytes when the session is not open or more than `maxBufferedBytes` wait unsent
   * (drop-newest: audio already queued is not reordered).
   */
  appendAudio(audio: Uint8Array): boolean {
    if (this.#ws.readyState !== WebSocket.OPEN || this.#ws.bufferedAmount > this.#ctx.maxBufferedBytes) {
      this.#stats.droppedAudioBytes += audio.byteLength;
      return false;
    }
    const base64 = Buffer.from(audio.buffer, audio.byteOffset, audio.byteLength).toString('base64');
    this.#ws.send(`{"type":"input_audio_buffer.append","audio":"${base64}"}`);
    return true;
  }

  /** `input_audio_buffer.commit` (without turn detection). */
  commitAudio(): void {
    this.send({ type: 'input_audio_buffer.commit' });
  }

  /** `input_audio_buffer.clear`. */
  clearAudio(): void {
    this.send({ type: 'input_audio_buffer.clear' });
  }

  /** `response.create`, with per-response overrides (`instructions`, …) when given. */
  createResponse(response?: Record<string, unknown>): void {
    this.send(response === undefined ? { type: 'response.create' } : { type: 'response.create', response });
  }

  /** `response.cancel` of the current (or the given) response. */
  cancelResponse(responseId?: string): void {
    this.send(responseId === undefined ? { type: 'response.cancel' } : { type: 'response.cancel', response_id: responseId });
  }

  /** `conversation.item.truncate`: the assistant item ends at what the caller heard. */
  truncate(t: RealtimeTruncation): void {
    const ms = Number.isFinite(t.audioEndMs) && t.audioEndMs > 0 ? Math.floor(t.audioEndMs) : 0;
    this.send({ type: 'conversation.item.truncate', item_id: t.itemId, content_index: t.contentIndex ?? 0, audio_end_ms: ms });
  }

  /**
   * `conversation.item.create` of a `function_call_output` for `callId`, then — unless
   * `respond: false` — `response.create`, so the model speaks about the result.
   */
  sendFunctionCallOutput(callId: string, output: string, options: { respond?: boolean } = {}): void {
    this.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: callId, output } });
    if (options.respond !== false) this.createResponse();
  }

  /**
   * Closes the session (close frame 1000; terminated if the vendor does not answer within
   * `closeTimeoutMs`). Idempotent; resolves with how it ended.
   */
  close(): Promise<RealtimeCloseInfo> {
    if (!this.#byClient && this.#ws.readyState !== WebSocket.CLOSED) {
      this.#byClient = true;
      if (this.#ws.readyState === WebSocket.CONNECTING) this.#ws.terminate();
      else {
        this.#ws.close(1000);
        this.#closeTimer = setTimeout(() => this.#ws.terminate(), this.#ctx.closeTimeoutMs);
      }
    }
    return this.closed;
  }

  #onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    const text = isBinary ? undefined : Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
    const event = text === undefined ? undefined : this.#decoder.decode(text);
    if (event === undefined) {
      this.#stats.malformedEvents++;
      return;
    }
    try {
      this.#ctx.onEvent(event);
    } catch (err) {
      this.#error ??= this.#fail('vendor_closed', 'event listener threw', err);
      this.#ws.terminate();
    }
  }

  #fail(code: VendorErrorCode, what: string, cause?: unknown): VendorError {
    return new VendorError(this.#ctx.vendor, code, `${this.#ctx.vendor} realtime ${what}`, { operation: 'realtime', cause });
  }
}

/** Up to {@link MAX_ERROR_BODY_BYTES} of a refused upgrade's body, redacted; never rejects. */
async function readExcerpt(res: IncomingMessage, apiKey: string): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= MAX_ERROR_BODY_BYTES) break;
    }
  } catch {
    // a partial excerpt is fine
  }
  if (chunks.length === 0) return undefined;
  return bodyExcerptOf(Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY_BYTES).toString('utf8'), apiKey);
}
