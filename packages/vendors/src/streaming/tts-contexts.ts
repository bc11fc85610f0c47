/**
 * The per-call state of a streaming TTS socket's contexts, apart from socket I/O and wire format:
 * which contexts are live, where each one's audio stands (for chunk start times), which replies are
 * due (for the idle watchdog), and the rule that each context ends with exactly one `done` or
 * `error` and reports nothing after it. Audio for a context that is not live is dropped and counted.
 */
import { randomUUID } from 'node:crypto';
import { VendorError } from '../errors.ts';
import type { StreamingVendor, VendorStreamClosed } from '../errors.ts';
import type { TtsContextState, TtsEvent, TtsMark } from './tts.ts';

/**
 * Contexts remembered per socket, live or ended: an ended one is kept so that its late audio is
 * dropped and its id is not reused while the vendor may still send for it; the oldest ended ones are
 * forgotten past this count.
 */
export const MAX_TRACKED_CONTEXTS = 64;

/** One context's bookkeeping. */
export interface TrackedContext {
  readonly id: string;
  state: TtsContextState;
  /** Audio bytes reported so far. */
  audioBytes: number;
  /** A flush was sent and its reply (the vendor's definition) has not come yet. */
  flushPending: boolean;
  /** The end was sent and the vendor's end of context has not come yet. */
  endPending: boolean;
}

/** Bookkeeping of every context of one TTS socket; see the module comment. */
export class TtsContexts {
  readonly #vendor: StreamingVendor;
  readonly #bytesPerMs: number;
  readonly #emit: (event: TtsEvent) => void;
  readonly #contexts = new Map<string, TrackedContext>();
  #droppedAudioBytes = 0;

  /** `bytesPerMs`: audio bytes per millisecond (sample rate × bytes per sample / 1000). */
  constructor(vendor: StreamingVendor, bytesPerMs: number, emit: (event: TtsEvent) => void) {
    this.#vendor = vendor;
    this.#bytesPerMs = bytesPerMs;
    this.#emit = emit;
  }

  get droppedAudioBytes(): number {
    return this.#droppedAudioBytes;
  }

  /** True while some context waits for a flush reply or its end. */
  get awaitingReply(): boolean {
    for (const c of this.#contexts.values()) if (c.flushPending || c.endPending) return true;
    return false;
  }

  /** Starts tracking a new context. @throws VendorError `invalid_option` when `id` is in use or empty. */
  open(id: string = randomUUID()): TrackedContext {
    if (id === '' || this.#contexts.has(id)) throw new VendorError(this.#vendor, 'invalid_option', 'context id is empty or already in use');
    const context: TrackedContext = { id, state: 'open', audioBytes: 0, flushPending: false, endPending: false };
    this.#contexts.set(id, context);
    this.#prune();
    return context;
  }

  /** The live (non-terminal) context `id`, else `undefined`. */
  live(id: string | undefined): TrackedContext | undefined {
    const c = id === undefined ? undefined : this.#contexts.get(id);
    return c !== undefined && (c.state === 'open' || c.state === 'ending') ? c : undefined;
  }

  /** Ids of the live contexts, oldest first. */
  liveIds(): string[] {
    const ids: string[] = [];
    for (const c of this.#contexts.values()) if (c.state === 'open' || c.state === 'ending') ids.push(c.id);
    return ids;
  }

  /**
   * Reports `audio` for context `id` and returns where it starts in the context (ms), or `undefined`
   * when the context is not live (the audio is dropped and counted).
   */
  audio(id: string | undefined, audio: Buffer): number | undefined {
    const c = this.live(id);
    if (c === undefined) {
      this.#droppedAudioBytes += audio.length;
      return undefined;
    }
    const startMs = c.audioBytes / this.#bytesPerMs;
    c.audioBytes += audio.length;
    this.#emit({ type: 'audio', contextId: c.id, audio, startMs, durationMs: audio.length / this.#bytesPerMs });
    return startMs;
  }

  /** Reports timings for a live context (ignored otherwise). */
  marks(id: string | undefined, unit: 'char' | 'word', marks: readonly TtsMark[]): void {
    const c = this.live(id);
    if (c !== undefined && marks.length > 0) this.#emit({ type: 'marks', contextId: c.id, unit, marks });
  }

  /** The vendor acknowledged a flush. */
  flushed(id: string | undefined): void {
    const c = this.live(id);
    if (c === undefined) return;
    c.flushPending = false;
    this.#emit({ type: 'flushed', contextId: c.id });
  }

  /** The vendor finished the context. */
  done(id: string | undefined): void {
    const c = this.live(id);
    if (c !== undefined) this.#end(c, 'done', { type: 'done', contextId: c.id, cancelled: false });
  }

  /** The client cancelled the context. Returns false when it was not live. */
  cancel(id: string): boolean {
    const c = this.live(id);
    if (c === undefined) return false;
    this.#end(c, 'cancelled', { type: 'done', contextId: c.id, cancelled: true });
    return true;
  }

  /** The vendor reported an error for the context. */
  fail(id: string | undefined, error: VendorError): void {
    const c = this.live(id);
    if (c !== undefined) this.#end(c, 'failed', { type: 'error', contextId: c.id, error });
  }

  /** The socket ended: every live context ends (`error` with the stream's error, else `done` cancelled). */
  closeAll(closed: VendorStreamClosed): void {
    for (const c of this.#contexts.values()) {
      if (c.state !== 'open' && c.state !== 'ending') continue;
      if (closed.error !== undefined) this.#end(c, 'failed', { type: 'error', contextId: c.id, error: closed.error });
      else this.#end(c, 'cancelled', { type: 'done', contextId: c.id, cancelled: true });
    }
  }

  #end(c: TrackedContext, state: TtsContextState, event: TtsEvent): void {
    c.state = state;
    c.flushPending = false;
    c.endPending = false;
    this.#emit(event);
  }

  /** Forgets the oldest ended contexts past {@link MAX_TRACKED_CONTEXTS} (their ids stay refused until then). */
  #prune(): void {
    for (const [id, c] of this.#contexts) {
      if (this.#contexts.size <= MAX_TRACKED_CONTEXTS) return;
      if (c.state !== 'open' && c.state !== 'ending') this.#contexts.delete(id);
    }
  }
}
