/**
 * A local ElevenLabs multi-stream-input TTS on a real WebSocket: checks `xi-api-key`, reads the
 * output format from the query, and speaks each context's text when it is flushed or closed — audio
 * (tone or silence, `msPerChar` per character, at the requested rate) in base64 chunks with
 * character alignment, then `isFinal` after `close_context`. Like the real service, a closed context
 * still gets the audio already generated for it. Scriptable errors, pacing and hang; records the
 * upgrade (headers without the key), every JSON message, and what it sent. `GET /v1/user` (what a
 * credentials check reads) answers with the same key check.
 */
import type WebSocket from 'ws';
import { StandInConnection } from '../streaming/stand-in-connection.ts';
import { startScriptedStandIn } from '../streaming/stand-in-server.ts';
import type { RecordedUpgrade, ScriptedStandIn } from '../streaming/stand-in-server.ts';
import { synthAudio } from '../streaming/synth-audio.ts';
import { PacedQueue, TTS_STAND_IN_DEFAULTS } from '../streaming/tts-script.ts';
import type { TtsStandInScript } from '../streaming/tts-script.ts';

/** What an ElevenLabs stand-in connection does. */
export interface ElevenLabsStandInScript extends TtsStandInScript {
  /** Characters per audio chunk. Default 8. */
  charsPerChunk?: number | undefined;
  /**
   * On the first non-blank text of a context: send `{error, message, contextId}`, then close the
   * socket with `closeCode` when given (ElevenLabs closes 1008 on policy errors).
   */
  errorOnText?: { error: string; message: string; closeCode?: number | undefined } | undefined;
}

/** Options of {@link startElevenLabsStandIn}. */
export interface ElevenLabsStandInOptions {
  /** The expected `xi-api-key`; default: any. A wrong or missing key is refused 401. */
  apiKey?: string;
  script?: ElevenLabsStandInScript;
}

/** A running ElevenLabs stand-in (`setScript` changes the script of connections accepted from now on). */
export type ElevenLabsStandIn = ScriptedStandIn<ElevenLabsStandInConnection, ElevenLabsStandInScript>;

const PATH = /^\/v1\/text-to-speech\/[A-Za-z0-9_-]+\/multi-stream-input$/;

/** Starts an ElevenLabs stand-in on 127.0.0.1, port 0. */
export async function startElevenLabsStandIn(options: ElevenLabsStandInOptions = {}): Promise<ElevenLabsStandIn> {
  return startScriptedStandIn(
    {
      credentialHeader: 'xi-api-key',
      credentialOf: (value) => value,
      apiKey: options.apiKey,
      servesPath: (path) => PATH.test(path),
      restReads: { '/v1/user': { user_id: 'stand-in-user', subscription: { tier: 'free', status: 'active' }, is_new_user: false } },
      refusal: (status) => ({
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ detail: status === 401 ? { status: 'invalid_api_key', message: 'Invalid API key' } : { status: 'refused', message: 'Request refused' } }),
      }),
    },
    options.script,
    (ws, upgrade, script) => new ElevenLabsStandInConnection(ws, upgrade, script),
  );
}

interface Context {
  buffer: string;
  closed: boolean;
  errored: boolean;
  nextSample: number;
}

/** One accepted connection: what it received and sent (audio as `audioBytes`, not the base64), and manual controls. */
export class ElevenLabsStandInConnection extends StandInConnection<ElevenLabsStandInScript> {
  /** Text received per context (concatenated, without the opening `" "`). */
  readonly textByContext = new Map<string, string>();
  /** Audio bytes sent per context. */
  readonly audioBytesByContext = new Map<string, number>();
  /** Audio messages sent for a context after its `close_context` arrived. */
  readonly audioAfterCloseByContext = new Map<string, number>();
  readonly #contexts = new Map<string, Context>();
  readonly #queue: PacedQueue;
  readonly #encoding: 'pcm_s16le' | 'mulaw';
  readonly #sampleRate: number;

  constructor(ws: WebSocket, upgrade: RecordedUpgrade, script: ElevenLabsStandInScript) {
    super(ws, upgrade, script);
    this.#queue = new PacedQueue(script.firstChunkDelayMs ?? TTS_STAND_IN_DEFAULTS.firstChunkDelayMs, script.chunkIntervalMs ?? TTS_STAND_IN_DEFAULTS.chunkIntervalMs);
    const format = upgrade.query.get('output_format') ?? 'mp3_44100_128';
    const m = /^(pcm|ulaw)_(\d+)$/.exec(format);
    this.#encoding = m?.[1] === 'ulaw' ? 'mulaw' : 'pcm_s16le';
    this.#sampleRate = m === null ? 44100 : Number(m[2]);
  }

  protected stop(): void {
    this.#queue.clear();
  }

  protected onMessage(data: Buffer, isBinary: boolean): void {
    if (isBinary) return this.close(1003, 'binary messages are not supported');
    const msg = this.readJson(data, 1008, 'invalid JSON') as Record<string, unknown> | undefined;
    if (msg === undefined || this.script.hang === true) return;
    if (msg.close_socket === true) {
      this.#queue.clear();
      return this.close(1000, '');
    }
    const id = typeof msg.context_id === 'string' ? msg.context_id : undefined;
    if (id === undefined) return; // a context-less keep-alive
    let context = this.#contexts.get(id);
    const opening = context === undefined;
    if (context === undefined) {
      context = { buffer: '', closed: false, errored: false, nextSample: 0 };
      this.#contexts.set(id, context);
      this.textByContext.set(id, '');
      this.audioBytesByContext.set(id, 0);
      this.audioAfterCloseByContext.set(id, 0);
    }
    if (context.closed || context.errored) return;
    if (typeof msg.text === 'string' && msg.text !== '' && !(opening && msg.text === ' ')) {
      const failure = this.script.errorOnText;
      if (failure !== undefined && msg.text.trim() !== '') {
        context.errored = true;
        this.send({ error: failure.error, message: failure.message, contextId: id });
        if (failure.closeCode !== undefined) this.close(failure.closeCode, failure.error);
        return;
      }
      context.buffer += msg.text;
      this.textByContext.set(id, (this.textByContext.get(id) ?? '') + msg.text);
    }
    if (msg.flush === true) this.#speak(id, context);
    if (msg.close_context === true) {
      context.closed = true;
      this.#speak(id, context);
      this.#queue.push(id, () => this.send({ isFinal: true, contextId: id }));
    }
  }

  /** Queues audio chunks with alignment for the context's buffered text. */
  #speak(id: string, context: Context): void {
    const text = context.buffer;
    context.buffer = '';
    if (text.trim() === '') return;
    const msPerChar = this.script.msPerChar ?? TTS_STAND_IN_DEFAULTS.msPerChar;
    const perChunk = this.script.charsPerChunk ?? 8;
    const chars = Array.from(text);
    for (let i = 0; i < chars.length; i += perChunk) {
      const slice = chars.slice(i, i + perChunk);
      const { audio, nextSample } = synthAudio(this.#encoding, this.#sampleRate, slice.length * msPerChar, this.script.sound ?? TTS_STAND_IN_DEFAULTS.sound, context.nextSample);
      context.nextSample = nextSample;
      const alignment = {
        chars: slice,
        charStartTimesMs: slice.map((_, k) => k * msPerChar),
        charDurationsMs: slice.map(() => msPerChar),
      };
      this.#queue.push(id, () => {
        if (!this.isOpen) return;
        this.sent.push({ audioBytes: audio.length, alignment, isFinal: false, contextId: id });
        this.audioBytesByContext.set(id, (this.audioBytesByContext.get(id) ?? 0) + audio.length);
        if (context.closed) this.audioAfterCloseByContext.set(id, (this.audioAfterCloseByContext.get(id) ?? 0) + 1);
        this.ws.send(JSON.stringify({ audio: audio.toString('base64'), alignment, normalizedAlignment: alignment, isFinal: false, contextId: id }));
      });
    }
  }
}
