/**
 * Speech to text for the `voice` engine behind one small interface, {@link Transcriber}: the
 * caller's audio and the VAD's results go in, finished caller utterances come out (in order), each
 * as a function giving its words.
 *
 * - `openai` ({@link VadCutTranscriber}): the VAD's edges cut utterances ({@link UtteranceCutter},
 *   endpointing on the audio clock); each is transcribed (`POST /v1/audio/transcriptions`, a WAV)
 *   when the session's turn queue reaches it.
 * - `deepgram` ({@link DeepgramTranscriber}): the caller's audio streams to Deepgram's live socket
 *   for the whole call; Deepgram's final results are gathered and an utterance ends with a
 *   `speech_final` result or an `UtteranceEnd` (its endpointing, not the VAD's).
 *
 * Either way the VAD still drives barge-in and the silence clocks.
 */
import { int16ToPcm16le } from '@vr3/codec';
import type { VadEvent } from '@vr3/vad';
import { connectDeepgramLive, type DeepgramEvent, type DeepgramLiveListener, type DeepgramLiveStream, type OpenAiCompatibleClient } from '@vr3/vendors';
import { openAiClient, streamingConnection, type StreamingDeadlines } from './clients.ts';
import { VOICE_DEFAULTS, type VoiceRuntimeConfig } from './spec.ts';
import { UtteranceCutter } from './utterances.ts';

/** The words of one utterance: `''` for noise. Rejects with the vendor's error. */
export type UtteranceText = (signal: AbortSignal) => Promise<string>;

/** Where a {@link Transcriber} reports. */
export interface TranscriberEvents {
  /** A caller utterance ended; called in order. */
  utterance(text: UtteranceText): void;
  /** The speech to text failed for good (the vendor's error): the call cannot go on. */
  failed(err: unknown): void;
}

/** Turns one call's caller audio into utterances. */
export interface Transcriber {
  /** Caller audio (PCM16 at the session rate, every frame, in order). */
  audio(samples: Int16Array): void;
  /**
   * The VAD's results for the audio up to `classifiedMs` (ms of caller audio); `quiet`: the VAD's
   * `quiet` after it (no run of speech under way, reported or not).
   */
  vad(events: readonly VadEvent[], classifiedMs: number, quiet: boolean): void;
  /** Seconds of caller audio sent to the vendor so far. */
  readonly audioSeconds: number;
  /** Drops buffered audio and ends the vendor connection (idempotent). */
  close(): void;
}

/** Options of {@link createTranscriber}. */
export interface TranscriberOptions {
  sampleRate: number;
  /** The call's signal (ends vendor sockets). */
  signal: AbortSignal;
  /** The configuration's `language`, when `stt.language` is not set. */
  language?: string | undefined;
  /** Endpointing silence after the VAD's `speech_end` (`openai` only). */
  silenceMs: number;
  /** The OpenAI-compatible client (`openai` only; default: one on the section's credential). */
  client?: OpenAiCompatibleClient | undefined;
  /** Deadlines of the Deepgram socket (`deepgram` only). */
  streaming?: StreamingDeadlines | undefined;
}

/** The {@link Transcriber} of a voice configuration's `stt` section. */
export function createTranscriber(stt: VoiceRuntimeConfig['stt'], options: TranscriberOptions, events: TranscriberEvents): Transcriber {
  const language = stt.language ?? options.language;
  switch (stt.vendor) {
    case 'openai': {
      const client = options.client ?? openAiClient('openai', stt);
      const transcribe = (audio: Int16Array, signal: AbortSignal): Promise<string> =>
        client.transcribe({ model: stt.model, audio: int16ToPcm16le(audio), sampleRate: options.sampleRate, language }, { signal }).then((r) => r.text.trim());
      return new VadCutTranscriber(options.sampleRate, options.silenceMs, transcribe, events);
    }
    case 'deepgram':
      return new DeepgramTranscriber(
        (listener) =>
          connectDeepgramLive({ ...streamingConnection(stt, options.signal, options.streaming), model: stt.model, language, encoding: 'linear16', sampleRate: options.sampleRate }, listener),
        options.sampleRate,
        events,
      );
  }
}

/** Utterances cut by the VAD, each transcribed by a request (see the module comment). */
export class VadCutTranscriber implements Transcriber {
  readonly #rate: number;
  readonly #cutter: UtteranceCutter;
  readonly #transcribe: (audio: Int16Array, signal: AbortSignal) => Promise<string>;
  readonly #events: TranscriberEvents;
  #samples = 0;

  constructor(sampleRate: number, silenceMs: number, transcribe: (audio: Int16Array, signal: AbortSignal) => Promise<string>, events: TranscriberEvents) {
    this.#rate = sampleRate;
    this.#transcribe = transcribe;
    this.#events = events;
    this.#cutter = new UtteranceCutter({ sampleRate, silenceMs });
  }

  get audioSeconds(): number {
    return this.#samples / this.#rate;
  }

  audio(samples: Int16Array): void {
    this.#cutter.pushAudio(samples);
  }

  vad(events: readonly VadEvent[], classifiedMs: number, quiet: boolean): void {
    for (const e of events) if (e.type !== 'probability') this.#cutter.edge(e);
    const utterance = this.#cutter.take(classifiedMs, quiet);
    if (utterance === undefined || utterance.length === 0) return;
    this.#samples += utterance.length;
    this.#events.utterance((signal) => this.#transcribe(utterance, signal));
  }

  close(): void {
    this.#cutter.clear();
  }
}

/** Defaults of {@link DeepgramTranscriber}. */
export const DEEPGRAM_TRANSCRIBER_DEFAULTS = {
  /** Caller audio kept while the socket opens, ms; past it the oldest is dropped. */
  maxPendingMs: 5000,
} as const;

/** Caller audio streamed to Deepgram live for the whole call (see the module comment). */
export class DeepgramTranscriber implements Transcriber, DeepgramLiveListener {
  readonly #bytesPerSecond: number;
  readonly #maxPendingBytes: number;
  readonly #events: TranscriberEvents;
  #stream: DeepgramLiveStream | undefined;
  /** Audio that came before the socket was open (bounded, oldest dropped). */
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Final results of the utterance under way. */
  #parts: string[] = [];
  /** The caller stopped speaking before the socket was open: Deepgram owes a result once it is. */
  #resultOwed = false;
  #closed = false;

  constructor(connect: (listener: DeepgramLiveListener) => Promise<DeepgramLiveStream>, sampleRate: number, events: TranscriberEvents) {
    this.#bytesPerSecond = sampleRate * 2;
    this.#maxPendingBytes = (DEEPGRAM_TRANSCRIBER_DEFAULTS.maxPendingMs / 1000) * this.#bytesPerSecond;
    this.#events = events;
    connect(this).then(
      (stream) => this.#opened(stream),
      (err: unknown) => {
        if (!this.#closed) this.#events.failed(err);
      },
    );
  }

  get audioSeconds(): number {
    return (this.#stream?.audioBytesSent ?? 0) / this.#bytesPerSecond;
  }

  audio(samples: Int16Array): void {
    if (this.#closed) return;
    const bytes = int16ToPcm16le(samples);
    if (this.#stream !== undefined) {
      this.#stream.sendAudio(bytes);
      return;
    }
    this.#pending.push(bytes);
    this.#pendingBytes += bytes.byteLength;
    while (this.#pendingBytes > this.#maxPendingBytes && this.#pending.length > 1) this.#pendingBytes -= this.#pending.shift()!.byteLength;
  }

  /** The VAD heard the caller stop speaking: Deepgram owes its result within the socket's idle deadline. */
  vad(events: readonly VadEvent[]): void {
    if (this.#closed || !events.some((e) => e.type === 'speech_end')) return;
    if (this.#stream === undefined) this.#resultOwed = true;
    else this.#stream.expectResult();
  }

  onEvent(event: DeepgramEvent): void {
    if (this.#closed) return;
    switch (event.type) {
      case 'transcript': {
        const text = event.transcript.trim();
        if (event.isFinal && text !== '') this.#parts.push(text);
        if (event.isFinal && event.speechFinal) this.#endUtterance();
        return;
      }
      case 'utterance_end':
        return this.#endUtterance();
      case 'speech_started':
      case 'metadata':
      case 'error':
        // An in-band error is followed by Deepgram's close, which fails the call.
        return;
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = [];
    this.#parts = [];
    this.#stream?.terminate();
  }

  #opened(stream: DeepgramLiveStream): void {
    if (this.#closed) return stream.terminate();
    this.#stream = stream;
    for (const bytes of this.#pending) stream.sendAudio(bytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    if (this.#resultOwed) stream.expectResult();
    this.#resultOwed = false;
    void stream.closed.then((closed) => {
      if (!this.#closed && closed.error !== undefined) this.#events.failed(closed.error);
    });
  }

  #endUtterance(): void {
    if (this.#parts.length === 0) return;
    const text = this.#parts.join(' ');
    this.#parts = [];
    this.#events.utterance(() => Promise.resolve(text));
  }
}

/** The endpointing silence of a configuration (`openai` STT). */
export const endpointingSilenceMs = (config: VoiceRuntimeConfig): number => config.endpointing?.silence_ms ?? VOICE_DEFAULTS.endpointingSilenceMs;
