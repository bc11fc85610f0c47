/**
 * A local stand-in for an OpenAI-compatible API: a real HTTP server on `127.0.0.1:0` serving
 * `POST /v1/chat/completions` (SSE), `/v1/audio/transcriptions` (multipart) and `/v1/audio/speech`
 * (streamed PCM16 24 kHz), scripted per request, and `GET /v1/models` (what a credentials check
 * reads), recording every request it received.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { listenOnLoopback, readRequestBody } from '../streaming/loopback-server.ts';
import { tonePcm16 } from './audio.ts';
import { parseMultipart } from './form.ts';
import { answerModels } from './models.ts';
import type { ParsedForm, WavInfo } from './form.ts';
import { chatPayloads } from './scripts.ts';
import type { ChatReply, Misbehaviour, SpeechReply, TranscriptionReply } from './scripts.ts';

/** One request as the stand-in received it. */
export interface RecordedVendorRequest {
  method: string;
  /** Path and query as sent. */
  path: string;
  /** Headers without `authorization`. */
  headers: IncomingHttpHeaders;
  /** Whether `Authorization: Bearer <apiKey>` was right. */
  authorized: boolean;
  /** The JSON body (chat, speech), the parsed form (transcriptions), or the raw text. */
  body: unknown;
  /** Bytes of the body. */
  bodyBytes: number;
  /** Set when the client closed the connection before the answer was complete. */
  closedByClient: boolean;
  /** Bytes of the answer body written so far. */
  bytesSent: number;
  /** When the whole request had been read and the stand-in began to handle it (`performance.now()`, ms). */
  receivedAt: number;
  /** When the stand-in wrote the first byte of its answer body (an error body counts), if it did. */
  firstByteAt?: number | undefined;
  /** When the answer was complete (`finish`), if it was: with `receivedAt`, the stand-in's own time. */
  finishedAt?: number | undefined;
}

/** What a transcription lookup is given. */
export interface TranscriptionInput {
  model: string;
  language: string | undefined;
  wav: WavInfo | undefined;
}

/** Options of {@link startOpenAiCompatibleStandIn}. */
export interface OpenAiCompatibleStandInOptions {
  /** Key the stand-in accepts. Default `'sk-standin-test-key'`. */
  apiKey?: string | undefined;
  /** Text of a transcription with nothing scripted. Default `'<duration> ms of audio'`. */
  transcribe?: ((input: TranscriptionInput) => string) | undefined;
  /** Speech answers with nothing scripted. */
  speech?: SpeechReply | undefined;
}

/** A running stand-in. */
export interface OpenAiCompatibleStandIn {
  /** Base URL (`http://127.0.0.1:<port>`, no `/v1`): the client's `baseUrl`. */
  readonly url: string;
  readonly apiKey: string;
  /** Every request, in arrival order. */
  readonly requests: readonly RecordedVendorRequest[];
  /** Queues answers for the next chat requests (a function is called with the request body). */
  scriptChat(...replies: (ChatReply | ((body: Record<string, unknown>) => ChatReply))[]): void;
  /** Queues answers for the next transcription requests. */
  scriptTranscription(...replies: TranscriptionReply[]): void;
  /** Queues answers for the next speech requests. */
  scriptSpeech(...replies: SpeechReply[]): void;
  /** Resolves when the client has closed the connection of request `index` before its answer ended. */
  waitForClientClose(index: number, timeoutMs?: number): Promise<void>;
  /** Resolves when `count` requests have arrived. */
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Stops the server, drops open connections and pending timers. Idempotent. */
  close(): Promise<void>;
}

const MAX_REQUEST_BYTES = 32 * 1024 * 1024;
const SPEECH_RATE = 24_000;
const ENDLESS_PIECE = Buffer.alloc(64 * 1024, 'x');

/** Starts a stand-in on `127.0.0.1:0`. */
export async function startOpenAiCompatibleStandIn(options: OpenAiCompatibleStandInOptions = {}): Promise<OpenAiCompatibleStandIn> {
  const apiKey = options.apiKey ?? 'sk-standin-test-key';
  const requests: RecordedVendorRequest[] = [];
  const chatQueue: (ChatReply | ((body: Record<string, unknown>) => ChatReply))[] = [];
  const transcriptionQueue: TranscriptionReply[] = [];
  const speechQueue: SpeechReply[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const watchers = new Set<() => void>();
  let serial = 0;
  let closing: Promise<void> | undefined;

  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const notify = (): void => {
    for (const w of [...watchers]) w();
  };
  const waitUntil = (ready: () => boolean, what: string, timeoutMs: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (ready()) return resolve();
      const check = (): void => {
        if (!ready()) return;
        watchers.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        watchers.delete(check);
        reject(new Error(`stand-in: ${what} not seen within ${timeoutMs} ms`));
      }, timeoutMs);
      watchers.add(check);
    });

  /** Applies the headers delay / hang / status of `m`; calls `go` when the normal answer may start. */
  const misbehave = (res: ServerResponse, rec: RecordedVendorRequest, m: Misbehaviour, go: () => void): void => {
    const start = (): void => {
      if (res.destroyed) return;
      if (m.hang === 'before_headers') return;
      if (m.status !== undefined && (m.status < 200 || m.status > 299)) {
        const text = JSON.stringify(m.errorBody ?? { error: { message: 'scripted failure', type: 'server_error', code: null } });
        rec.bytesSent += Buffer.byteLength(text);
        rec.firstByteAt ??= performance.now();
        res.writeHead(m.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
        return;
      }
      go();
    };
    if ((m.firstByteDelayMs ?? 0) > 0) later(m.firstByteDelayMs!, start);
    else start();
  };

  /** Writes `pieces` with `delayMs` between them, then ends (unless `hangHalfway`). */
  const pump = (res: ServerResponse, rec: RecordedVendorRequest, pieces: readonly (string | Buffer)[], delayMs: number, hangHalfway: boolean): void => {
    const stopAt = hangHalfway ? Math.max(1, pieces.length >> 1) : pieces.length;
    let i = 0;
    const step = (): void => {
      while (i < stopAt && !res.destroyed) {
        const piece = pieces[i++]!;
        rec.bytesSent += Buffer.byteLength(piece);
        rec.firstByteAt ??= performance.now();
        res.write(piece);
        if (delayMs > 0) return later(delayMs, step);
      }
      if (i >= pieces.length && !res.destroyed) res.end();
    };
    step();
  };

  const chat = (res: ServerResponse, rec: RecordedVendorRequest, body: Record<string, unknown>): void => {
    const next: ChatReply | ((body: Record<string, unknown>) => ChatReply) = chatQueue.shift() ?? {};
    const reply = typeof next === 'function' ? next(body) : next;
    const id = ++serial;
    misbehave(res, rec, reply, () => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      if (reply.hang === 'after_headers') return void res.flushHeaders();
      if (reply.endlessLine === true) return endless(res, rec);
      const pieces = chatPayloads(reply, body, id).map((data) => `data: ${data}\n\n`);
      pump(res, rec, pieces, reply.chunkDelayMs ?? 0, reply.hang === 'mid_stream');
    });
  };

  const endless = (res: ServerResponse, rec: RecordedVendorRequest): void => {
    res.write('data: ');
    const more = (): void => {
      while (!res.destroyed) {
        rec.bytesSent += ENDLESS_PIECE.length;
        if (!res.write(ENDLESS_PIECE)) return void res.once('drain', more);
      }
    };
    more();
  };

  const transcription = (res: ServerResponse, rec: RecordedVendorRequest, form: ParsedForm): void => {
    const input: TranscriptionInput = { model: form.fields.model ?? '', language: form.fields.language, wav: form.file?.wav };
    const reply = transcriptionQueue.shift() ?? { text: options.transcribe?.(input) ?? `${input.wav?.durationMs ?? 0} ms of audio` };
    misbehave(res, rec, reply, () => {
      if (reply.hang === 'after_headers' || reply.hang === 'mid_stream') return void res.writeHead(200, { 'content-type': 'application/json' }).flushHeaders();
      const text = JSON.stringify({ text: reply.text });
      rec.bytesSent += Buffer.byteLength(text);
      rec.firstByteAt ??= performance.now();
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
    });
  };

  const speech = (res: ServerResponse, rec: RecordedVendorRequest, body: Record<string, unknown>): void => {
    const reply: SpeechReply = { ...options.speech, ...speechQueue.shift() };
    misbehave(res, rec, reply, () => {
      res.writeHead(200, { 'content-type': 'audio/pcm', 'transfer-encoding': 'chunked' });
      if (reply.hang === 'after_headers') return void res.flushHeaders();
      const input = typeof body.input === 'string' ? body.input : '';
      const samples = Math.round((input.length * (reply.msPerChar ?? 60) * SPEECH_RATE) / 1000);
      const audio = reply.sound === 'silence' ? Buffer.alloc(samples * 2) : tonePcm16(samples, SPEECH_RATE);
      const size = Math.max(2, reply.chunkBytes ?? 4800);
      const pieces: Buffer[] = [];
      for (let i = 0; i < audio.length; i += size) pieces.push(audio.subarray(i, i + size));
      pump(res, rec, pieces, reply.chunkDelayMs ?? 0, reply.hang === 'mid_stream');
    });
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: Buffer, tooLarge: boolean): void => {
    const headers = { ...req.headers };
    delete headers.authorization;
    const rec: RecordedVendorRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers,
      authorized: req.headers.authorization === `Bearer ${apiKey}`,
      body: undefined,
      bodyBytes: raw.length,
      closedByClient: false,
      bytesSent: 0,
      receivedAt: performance.now(),
    };
    const path = rec.path.split('?')[0];
    const form = path === '/v1/audio/transcriptions' ? parseMultipart(raw, req.headers['content-type']) : undefined;
    let json: Record<string, unknown> | undefined;
    if (form !== undefined) rec.body = form.form;
    else {
      try {
        const parsed: unknown = JSON.parse(raw.toString('utf8'));
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
        rec.body = parsed;
      } catch {
        rec.body = raw.toString('utf8');
      }
    }
    requests.push(rec);
    res.on('finish', () => {
      rec.finishedAt = performance.now();
    });
    res.on('close', () => {
      if (!res.writableFinished && closing === undefined) {
        rec.closedByClient = true;
        notify();
      }
    });
    res.on('error', () => {});
    notify();

    const fail = (status: number, message: string, code: string | null = null): void => {
      const text = JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code } });
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
    };
    if (tooLarge) return fail(413, 'request too large');
    if (answerModels(req, res, apiKey)) return;
    if (path !== '/v1/chat/completions' && path !== '/v1/audio/transcriptions' && path !== '/v1/audio/speech') return fail(404, 'unknown path');
    if (rec.method !== 'POST') return fail(405, 'method not allowed');
    if (!rec.authorized) {
      // Like the vendor, name the key that was given (clients must redact it from error excerpts).
      const given = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      return fail(401, `Incorrect API key provided: ${given}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_api_key');
    }
    if (path === '/v1/audio/transcriptions') {
      if (form === undefined) return fail(400, 'expected multipart/form-data');
      if (form.form.file === undefined || form.form.fields.model === undefined) return fail(400, 'file and model are required');
      if (form.form.file.wav === undefined) return fail(400, 'file is not a WAV');
      return transcription(res, rec, form.form);
    }
    if (json === undefined) return fail(400, 'body is not a JSON object');
    if (path === '/v1/chat/completions') {
      if (json.stream !== true || !Array.isArray(json.messages) || typeof json.model !== 'string') return fail(400, 'model, messages and stream: true are required');
      return chat(res, rec, json);
    }
    if (typeof json.input !== 'string' || typeof json.voice !== 'string' || typeof json.model !== 'string') return fail(400, 'model, voice and input are required');
    if (json.response_format !== 'pcm') return fail(400, 'the stand-in only speaks response_format "pcm"');
    return speech(res, rec, json);
  };

  const server: Server = createServer((req, res) => readRequestBody(req, res, MAX_REQUEST_BYTES, (body, tooLarge) => handle(req, res, body, tooLarge)));
  const listener = await listenOnLoopback(server);

  return {
    url: `http://127.0.0.1:${listener.port}`,
    apiKey,
    requests,
    scriptChat: (...replies) => void chatQueue.push(...replies),
    scriptTranscription: (...replies) => void transcriptionQueue.push(...replies),
    scriptSpeech: (...replies) => void speechQueue.push(...replies),
    waitForClientClose: (index, timeoutMs = 5_000) => waitUntil(() => requests[index]?.closedByClient === true, `client close of request ${index}`, timeoutMs),
    waitForRequests: (count, timeoutMs = 5_000) => waitUntil(() => requests.length >= count, `${count} requests`, timeoutMs),
    get connections() {
      return listener.connections;
    },
    close() {
      if (closing === undefined) {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        closing = listener.stop();
      }
      return closing;
    },
  };
}
