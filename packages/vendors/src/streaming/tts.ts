/**
 * The streaming TTS contract ElevenLabs and Cartesia both implement: one socket per call, one
 * context per agent turn; text pieces pushed as the LLM produces them, flushed at sentence ends;
 * audio back with its position in the turn and the vendor's character or word timings, so the
 * engine can tell what the caller actually heard; a context cancelled at once on barge-in.
 */
import type { StreamingVendor, VendorStreamClosed, VendorError } from '../errors.ts';

/** Audio encodings a streaming TTS client can ask for: 16-bit little-endian PCM, or G.711 μ-law. */
export type TtsAudioEncoding = 'pcm_s16le' | 'mulaw';

/** One timed piece of a turn's text: a character or a word, with its place in the turn's audio. */
export interface TtsMark {
  text: string;
  /** Start, in ms from the start of the context's audio. */
  startMs: number;
  /** End, in ms from the start of the context's audio. */
  endMs: number;
}

/** What a {@link TtsStream} reports. Each context ends with exactly one `done` or `error`. */
export type TtsEvent =
  | {
      type: 'audio';
      contextId: string;
      /** Audio in the stream's encoding and sample rate (mono). */
      audio: Buffer;
      /** Where this chunk starts in the context's audio, in ms (sum of the earlier chunks' durations). */
      startMs: number;
      durationMs: number;
    }
  | {
      type: 'marks';
      contextId: string;
      /** `char` (ElevenLabs alignment) or `word` (Cartesia timestamps). */
      unit: 'char' | 'word';
      marks: readonly TtsMark[];
    }
  | { type: 'flushed'; contextId: string }
  | {
      type: 'done';
      contextId: string;
      /** True when the context was cancelled (or the stream closed by the client) before all its audio came. */
      cancelled: boolean;
    }
  | { type: 'error'; contextId: string; error: VendorError };

/** Receives a {@link TtsStream}'s events, in order, synchronously from the socket. */
export interface TtsListener {
  onEvent(event: TtsEvent): void;
}

/** Where a context is in its life. `done`, `cancelled` and `failed` are terminal. */
export type TtsContextState = 'open' | 'ending' | 'done' | 'cancelled' | 'failed';

/** One turn of speech on a {@link TtsStream}. Calls after a terminal state are ignored (`false`). */
export interface TtsContext {
  readonly id: string;
  readonly state: TtsContextState;
  /** Appends text (an LLM delta, any length; the vendor joins pieces verbatim, so keep the spaces). */
  pushText(text: string): boolean;
  /** Asks for audio for everything pushed so far (a sentence end). */
  flush(): boolean;
  /** No more text: the vendor speaks what it has, then the context ends with `done`. */
  end(): boolean;
  /**
   * Barge-in: tells the vendor to stop and ends the context at once with `done {cancelled: true}`;
   * audio still in flight for it is dropped, never reported.
   */
  cancel(): void;
}

/** A streaming TTS connection for one call. */
export interface TtsStream {
  readonly vendor: StreamingVendor;
  readonly encoding: TtsAudioEncoding;
  readonly sampleRate: number;
  /** Opens a context (default id: a random UUID). @throws VendorError `invalid_option` for an id in use. */
  openContext(contextId?: string): TtsContext;
  /** Audio bytes received for cancelled or unknown contexts and dropped. */
  readonly droppedAudioBytes: number;
  /** Resolves (never rejects) when the stream has ended. */
  readonly closed: Promise<VendorStreamClosed>;
  /** Closes the socket (contexts not finished end `done {cancelled: true}`); idempotent. */
  close(): Promise<VendorStreamClosed>;
}
