/**
 * A local Cartesia TTS WebSocket (`/tts/websocket`): checks `X-API-Key` (and records
 * `Cartesia-Version`), validates each generation request (model, voice, raw output format, and the
 * same fields throughout a context, as Cartesia requires), and speaks a context's text on `flush`,
 * on `continue: false`, or after `max_buffer_delay_ms` — one audio chunk per word (tone or silence,
 * `msPerChar` per character, at the requested rate and encoding) with word timestamps, then
 * `flush_done` / `done`. `cancel` stops a context after the chunks already in flight. Scriptable
 * errors, pacing and hang; records the upgrade (headers without the key), every message, and what it sent.
 * `GET /voices` (what a credentials check reads) answers with the same key check.
 */
import type WebSocket from 'ws';
import { StandInConnection } from '../streaming/stand-in-connection.ts';
import { startScriptedStandIn } from '../streaming/stand-in-server.ts';
import type { RecordedUpgrade, ScriptedStandIn } from '../streaming/stand-in-server.ts';
import { synthAudio } from '../streaming/synth-audio.ts';
import { PacedQueue, TTS_STAND_IN_DEFAULTS } from '../streaming/tts-script.ts';
import type { TtsStandInScript } from '../streaming/tts-script.ts';

/** What a Cartesia stand-in connection does. */
export interface CartesiaStandInScript extends TtsStandInScript {
  /** Queued chunks of a context still sent after its `cancel` (audio already in flight). Default 2. */
  inFlightAfterCancel?: number | undefined;
  /** Speak buffered text after this long without a flush, in ms, unless the request sets `max_buffer_delay_ms`. Default 3000. */
  bufferDelayMs?: number | undefined;
  /** On the first non-empty transcript of a context: a context error `{type: "error", status_code, error, …}`. */
  errorOnText?: { statusCode: number; message: string; errorCode?: string | undefined } | undefined;
}

/** Options of {@link startCartesiaStandIn}. */
export interface CartesiaStandInOptions {
  /** The expected `X-API-Key`; default: any. A wrong or missing key is refused 401. */
  apiKey?: string;
  script?: CartesiaStandInScript;
}

/** A running Cartesia stand-in (`setScript` changes the script of connections accepted from now on). */
export type CartesiaStandIn = ScriptedStandIn<CartesiaStandInConnection, CartesiaStandInScript>;

/** Starts a Cartesia stand-in on 127.0.0.1, port 0. */
export async function startCartesiaStandIn(options: CartesiaStandInOptions = {}): Promise<CartesiaStandIn> {
  return startScriptedStandIn(
    {
      credentialHeader: 'x-api-key',
      credentialOf: (value) => value,
      apiKey: options.apiKey,
      servesPath: (path) => path === '/tts/websocket',
      restReads: { '/voices': { data: [{ id: 'stand-in-voice', name: 'Stand-in voice', language: 'en', is_public: true }], has_more: false } },
      refusal: (status) => ({
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(status === 401 ? { error: 'Invalid API key', error_code: 'unauthorized' } : { error: 'Request refused' }),
      }),
    },
    options.script,
    (ws, upgrade, script) => new CartesiaStandInConnection(ws, upgrade, script),
  );
}

interface Context {
  /** The request's fields but transcript/continue/flush: must not change within a context. */
  fixed: string;
  encoding: 'pcm_s16le' | 'mulaw';
  sampleRate: number;
  timestamps: boolean;
  bufferDelayMs: number;
  buffer: string;
  /** Audio queued so far for the context, in ms (word timestamps are placed on it). */
  audioMs: number;
  nextSample: number;
  flushId: number;
  state: 'open' | 'ended' | 'cancelled' | 'failed';
  timer: NodeJS.Timeout | undefined;
}

const VARIABLE_FIELDS = new Set(['transcript', 'continue', 'flush', 'duration']);

/** One accepted connection: what it received and sent (a chunk's audio as `audioBytes`, not the base64), and manual controls. */
export class CartesiaStandInConnection extends StandInConnection<CartesiaStandInScript> {
  /** Transcript received per context (concatenated). */
  readonly textByContext = new Map<string, string>();
  /** Audio bytes sent per context. */
  readonly audioBytesByContext = new Map<string, number>();
  /** Audio chunks sent for a context after its `cancel` arrived. */
  readonly audioAfterCancelByContext = new Map<string, number>();
  readonly #contexts = new Map<string, Context>();
  readonly #queue: PacedQueue;

  constructor(ws: WebSocket, upgrade: RecordedUpgrade, script: CartesiaStandInScript) {
    super(ws, upgrade, script);
    this.#queue = new PacedQueue(script.firstChunkDelayMs ?? TTS_STAND_IN_DEFAULTS.firstChunkDelayMs, script.chunkIntervalMs ?? TTS_STAND_IN_DEFAULTS.chunkIntervalMs);
  }

  protected onMessage(data: Buffer, isBinary: boolean): void {
    if (isBinary) return this.close(1003, 'binary messages are not supported');
    const msg = this.readJson(data, 1007, 'invalid JSON') as Record<string, unknown> | undefined;
    if (msg === undefined || this.script.hang === true) return;
    const id = typeof msg.context_id === 'string' ? msg.context_id : undefined;
    if (id === undefined) return this.send({ type: 'error', done: true, status_code: 400, error: 'context_id is required' });
    const known = this.#contexts.get(id);
    if (msg.cancel === true) {
      if (known !== undefined && known.state === 'open') {
        known.state = 'cancelled';
        if (known.timer !== undefined) clearTimeout(known.timer);
        this.#queue.drop(id, this.script.inFlightAfterCancel ?? 2);
      }
      return;
    }
    const problem = invalidRequest(msg);
    if (problem !== undefined) return this.send({ type: 'error', done: true, status_code: 400, error: problem, context_id: id });
    const fixed = JSON.stringify(Object.entries(msg).filter(([k]) => !VARIABLE_FIELDS.has(k)));
    let context = known;
    if (context === undefined) {
      const format = msg.output_format as { encoding: string; sample_rate: number };
      context = {
        fixed,
        encoding: format.encoding === 'pcm_mulaw' ? 'mulaw' : 'pcm_s16le',
        sampleRate: format.sample_rate,
        timestamps: msg.add_timestamps === true,
        bufferDelayMs: typeof msg.max_buffer_delay_ms === 'number' ? msg.max_buffer_delay_ms : (this.script.bufferDelayMs ?? 3000),
        buffer: '',
        audioMs: 0,
        nextSample: 0,
        flushId: 0,
        state: 'open',
        timer: undefined,
      };
      this.#contexts.set(id, context);
      this.textByContext.set(id, '');
      this.audioBytesByContext.set(id, 0);
      this.audioAfterCancelByContext.set(id, 0);
    } else if (context.state !== 'open') {
      return this.send({ type: 'error', done: true, status_code: 400, error: 'context is no longer accepting input', context_id: id });
    } else if (context.fixed !== fixed) {
      return this.#fail(id, context, 400, 'all inputs of a context must have the same fields except transcript and continue');
    }
    const transcript = typeof msg.transcript === 'string' ? msg.transcript : '';
    if (transcript !== '') {
      const failure = this.script.errorOnText;
      if (failure !== undefined) return this.#fail(id, context, failure.statusCode, failure.message, failure.errorCode);
      context.buffer += transcript;
      this.textByContext.set(id, (this.textByContext.get(id) ?? '') + transcript);
    }
    if (msg.flush === true) {
      this.#speak(id, context);
      const flushId = ++context.flushId;
      this.#queue.push(id, () => this.send({ type: 'flush_done', done: false, flush_done: true, flush_id: flushId, status_code: 206, context_id: id }));
    }
    if (msg.continue !== true) {
      context.state = 'ended';
      this.#speak(id, context);
      this.#queue.push(id, () => this.send({ type: 'done', done: true, status_code: 206, context_id: id }));
    } else if (context.buffer !== '' && context.timer === undefined) {
      const ctx = context;
      ctx.timer = setTimeout(() => {
        ctx.timer = undefined;
        if (ctx.state === 'open') this.#speak(id, ctx);
      }, ctx.bufferDelayMs);
    }
  }

  #fail(id: string, context: Context, status: number, message: string, errorCode?: string): void {
    context.state = 'failed';
    if (context.timer !== undefined) clearTimeout(context.timer);
    this.#queue.drop(id, 0);
    this.send({ type: 'error', done: true, status_code: status, error: message, title: 'Error', message, error_code: errorCode, context_id: id });
  }

  /** Queues one chunk (and its word timestamp) per word of the context's buffered text. */
  #speak(id: string, context: Context): void {
    if (context.timer !== undefined) clearTimeout(context.timer);
    context.timer = undefined;
    const text = context.buffer;
    context.buffer = '';
    const msPerChar = this.script.msPerChar ?? TTS_STAND_IN_DEFAULTS.msPerChar;
    for (const token of text.match(/\s*\S+\s*/g) ?? []) {
      const word = token.trim();
      const startMs = context.audioMs + (Array.from(token).length - Array.from(token.trimStart()).length) * msPerChar;
      const { audio, nextSample } = synthAudio(context.encoding, context.sampleRate, Array.from(token).length * msPerChar, this.script.sound ?? TTS_STAND_IN_DEFAULTS.sound, context.nextSample);
      context.nextSample = nextSample;
      context.audioMs += Array.from(token).length * msPerChar;
      const endMs = startMs + Array.from(word).length * msPerChar;
      this.#queue.push(id, () => {
        if (!this.isOpen) return;
        this.sent.push({ type: 'chunk', audioBytes: audio.length, context_id: id });
        this.audioBytesByContext.set(id, (this.audioBytesByContext.get(id) ?? 0) + audio.length);
        if (context.state === 'cancelled') this.audioAfterCancelByContext.set(id, (this.audioAfterCancelByContext.get(id) ?? 0) + 1);
        this.ws.send(JSON.stringify({ type: 'chunk', data: audio.toString('base64'), done: false, status_code: 206, step_time: 1, context_id: id }));
        if (context.timestamps) {
          this.send({ type: 'timestamps', done: false, status_code: 206, context_id: id, word_timestamps: { words: [word], start: [startMs / 1000], end: [endMs / 1000] } });
        }
      });
    }
  }

  protected stop(): void {
    this.#queue.clear();
    for (const c of this.#contexts.values()) if (c.timer !== undefined) clearTimeout(c.timer);
  }
}

/** Why a generation request is not one Cartesia accepts, or `undefined`. */
function invalidRequest(msg: Record<string, unknown>): string | undefined {
  if (typeof msg.model_id !== 'string' || msg.model_id === '') return 'model_id is required';
  const voice = msg.voice as { mode?: unknown; id?: unknown } | undefined;
  if (typeof voice !== 'object' || voice === null || voice.mode !== 'id' || typeof voice.id !== 'string') return 'voice must be {mode: "id", id}';
  const format = msg.output_format as { container?: unknown; encoding?: unknown; sample_rate?: unknown } | undefined;
  if (typeof format !== 'object' || format === null || format.container !== 'raw') return 'output_format.container must be raw';
  if (format.encoding !== 'pcm_s16le' && format.encoding !== 'pcm_mulaw') return 'output_format.encoding must be pcm_s16le or pcm_mulaw';
  if (typeof format.sample_rate !== 'number' || !Number.isInteger(format.sample_rate) || format.sample_rate < 8000) return 'output_format.sample_rate is invalid';
  if (msg.transcript !== undefined && typeof msg.transcript !== 'string') return 'transcript must be a string';
  return undefined;
}
