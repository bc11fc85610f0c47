/**
 * Text to speech for the `voice` engine behind one small interface, {@link Speaker}: a sentence in,
 * the session's PCM16 (16 kHz) out as it arrives, with the vendor's timings of the text when it
 * gives them (they place the cut of an interrupted turn, see `heardText`).
 *
 * - `openai`: `POST /v1/audio/speech` per sentence, 24 kHz PCM resampled to 16 kHz; no timings.
 * - `elevenlabs` / `cartesia`: one streaming socket per call (opened with the first sentence,
 *   reopened after the vendor dropped it), one context per sentence, 16 kHz PCM asked for (no
 *   resampling), character (ElevenLabs) or word (Cartesia) timings.
 */
import { pcm16leToInt16, Resampler } from '@vr3/codec';
import {
  connectCartesiaTts,
  connectElevenLabsTts,
  SPEECH_SAMPLE_RATE,
  VendorError,
  type OpenAiCompatibleClient,
  type TtsContext,
  type TtsEvent,
  type TtsListener,
  type TtsMark,
  type TtsStream,
} from '@vr3/vendors';
import { openAiClient, streamingConnection, type StreamingDeadlines } from './clients.ts';
import type { TextTiming } from './heard-text.ts';
import type { VoiceRuntimeConfig } from './spec.ts';

/** What a {@link Speaker} yields: audio at the session rate, or timings of the sentence's text (from the sentence's audio start). */
export type SpeechPiece = { type: 'audio'; pcm: Int16Array } | { type: 'timings'; timings: readonly TextTiming[] };

/** Speaks sentences for one call. */
export interface Speaker {
  /**
   * Synthesizes `text` (one sentence); yields its audio as it arrives and its timings when the
   * vendor gives them. Aborting `signal` stops it (the iteration throws). Throws `VendorError`.
   */
  speak(text: string, signal: AbortSignal): AsyncGenerator<SpeechPiece>;
  /** Ends the call's vendor connection (idempotent). */
  close(): void;
}

/** The {@link Speaker} of a voice configuration's `tts` section, at `sampleRate` (16 kHz). */
export function createSpeaker(
  tts: VoiceRuntimeConfig['tts'],
  options: { sampleRate: number; signal: AbortSignal; client?: OpenAiCompatibleClient | undefined; streaming?: StreamingDeadlines | undefined },
): Speaker {
  switch (tts.vendor) {
    case 'openai':
      return new OpenAiSpeaker(options.client ?? openAiClient('openai', tts), tts.model, tts.voice, options.sampleRate);
    case 'elevenlabs': {
      const connection = streamingConnection(tts, options.signal, options.streaming);
      const outputFormat = options.sampleRate === 16_000 ? 'pcm_16000' : 'pcm_8000';
      return new StreamingSpeaker('elevenlabs', (listener) => connectElevenLabsTts({ ...connection, voiceId: tts.voice, modelId: tts.model, outputFormat }, listener));
    }
    case 'cartesia': {
      const connection = streamingConnection(tts, options.signal, options.streaming);
      return new StreamingSpeaker('cartesia', (listener) =>
        connectCartesiaTts({ ...connection, voiceId: tts.voice, modelId: tts.model, encoding: 'pcm_s16le', sampleRate: options.sampleRate }, listener),
      );
    }
  }
}

/** `POST /v1/audio/speech` per sentence: PCM16 at 24 kHz, resampled to the session rate. */
export class OpenAiSpeaker implements Speaker {
  constructor(
    private readonly client: OpenAiCompatibleClient,
    private readonly model: string,
    private readonly voice: string,
    private readonly sampleRate: number,
  ) {}

  async *speak(text: string, signal: AbortSignal): AsyncGenerator<SpeechPiece> {
    const resampler = new Resampler(SPEECH_SAMPLE_RATE, this.sampleRate);
    // The filter's group delay: dropping its first samples keeps each sentence exactly as long as its speech.
    let skip = resampler.delay;
    const trim = (out: Int16Array): Int16Array => {
      const pcm = skip > 0 ? out.subarray(Math.min(skip, out.length)) : out;
      skip -= out.length - pcm.length;
      return pcm;
    };
    for await (const chunk of this.client.speech({ model: this.model, voice: this.voice, input: text }, { signal })) {
      const pcm = trim(resampler.process(pcm16leToInt16(chunk)));
      if (pcm.length > 0) yield { type: 'audio', pcm };
    }
    const rest = trim(resampler.flush());
    if (rest.length > 0) yield { type: 'audio', pcm: rest };
  }

  close(): void {}
}

/**
 * A streaming TTS socket (ElevenLabs, Cartesia) shared by the call's sentences, one context each.
 * A sentence's events wait in its own queue (bounded by the sentence: one context's audio).
 */
export class StreamingSpeaker implements Speaker, TtsListener {
  readonly #vendor: 'elevenlabs' | 'cartesia';
  readonly #connect: (listener: TtsListener) => Promise<TtsStream>;
  #stream: Promise<TtsStream> | undefined;
  readonly #queues = new Map<string, EventQueue>();
  #closed = false;

  constructor(vendor: 'elevenlabs' | 'cartesia', connect: (listener: TtsListener) => Promise<TtsStream>) {
    this.#vendor = vendor;
    this.#connect = connect;
  }

  onEvent(event: TtsEvent): void {
    this.#queues.get(event.contextId)?.push(event);
  }

  async *speak(text: string, signal: AbortSignal): AsyncGenerator<SpeechPiece> {
    signal.throwIfAborted();
    const stream = await this.#open();
    signal.throwIfAborted();
    const queue = new EventQueue();
    const context: TtsContext = stream.openContext();
    this.#queues.set(context.id, queue);
    const cancel = (): void => {
      context.cancel();
      queue.wake();
    };
    signal.addEventListener('abort', cancel, { once: true });
    const timings = new TimingLocator(text);
    const pcm = new Pcm16Reader();
    try {
      context.pushText(text);
      context.end();
      for (;;) {
        const event = await queue.next();
        signal.throwIfAborted();
        if (event === undefined) continue;
        switch (event.type) {
          case 'audio': {
            const samples = pcm.read(event.audio);
            if (samples.length > 0) yield { type: 'audio', pcm: samples };
            break;
          }
          case 'marks':
            yield { type: 'timings', timings: timings.add(event.unit, event.marks) };
            break;
          case 'flushed':
            break;
          case 'error':
            throw event.error;
          case 'done':
            if (event.cancelled) throw new VendorError(stream.vendor, 'vendor_closed', 'the speech stream ended before the sentence was spoken');
            return;
        }
      }
    } finally {
      signal.removeEventListener('abort', cancel);
      this.#queues.delete(context.id);
      if (context.state === 'open' || context.state === 'ending') context.cancel();
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stream?.then(
      (stream) => void stream.close(),
      () => undefined,
    );
  }

  /** The call's socket: opened on the first sentence, again after it ended. */
  #open(): Promise<TtsStream> {
    if (this.#closed) return Promise.reject(new VendorError(this.#vendor, 'aborted', 'the call ended'));
    if (this.#stream === undefined) {
      const opening = this.#connect(this);
      this.#stream = opening;
      opening.then(
        (stream) =>
          void stream.closed.then(() => {
            if (this.#stream === opening) this.#stream = undefined;
          }),
        () => {
          if (this.#stream === opening) this.#stream = undefined;
        },
      );
    }
    return this.#stream;
  }
}

/** A sentence's events, waited for one at a time. */
class EventQueue {
  readonly #events: TtsEvent[] = [];
  #waiter: (() => void) | undefined;

  push(event: TtsEvent): void {
    this.#events.push(event);
    this.wake();
  }

  /** Lets a pending {@link next} return (an abort). */
  wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }

  /** The next event; `undefined` when woken without one. */
  async next(): Promise<TtsEvent | undefined> {
    if (this.#events.length === 0) await new Promise<void>((resolve) => (this.#waiter = resolve));
    return this.#events.shift();
  }
}

/** PCM16 LE bytes to samples, carrying an odd byte over to the next chunk. */
class Pcm16Reader {
  #carry: number | undefined;

  read(bytes: Buffer): Int16Array {
    let buf: Uint8Array = bytes;
    if (this.#carry !== undefined) {
      buf = Buffer.concat([Buffer.of(this.#carry), bytes]);
      this.#carry = undefined;
    }
    if (buf.byteLength % 2 === 1) {
      this.#carry = buf[buf.byteLength - 1];
      buf = buf.subarray(0, buf.byteLength - 1);
    }
    return pcm16leToInt16(buf);
  }
}

/**
 * Places a sentence's vendor marks (characters or words, in order) in its text: each mark is looked
 * for from where the previous one ended; a mark that is not in the text (a space the vendor added,
 * a normalized word) places nothing.
 */
export class TimingLocator {
  readonly #text: string;
  #offset = 0;

  constructor(text: string) {
    this.#text = text;
  }

  /** Timings of `marks` (times from the start of the sentence's audio). */
  add(unit: 'char' | 'word', marks: readonly TtsMark[]): TextTiming[] {
    const out: TextTiming[] = [];
    for (const mark of marks) {
      if (mark.text.trim() === '') continue;
      const at = unit === 'char' && this.#text.startsWith(mark.text, this.#offset) ? this.#offset : this.#text.indexOf(mark.text, this.#offset);
      if (at < 0) continue;
      this.#offset = at + mark.text.length;
      out.push({ endChar: this.#offset, endMs: mark.endMs });
    }
    return out;
  }
}
