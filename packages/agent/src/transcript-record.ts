/**
 * The final conversation of a call, as an engine keeps it for the run's `gathered_context`: every
 * transcript line it emitted, bounded, read once at close as one context update
 * (`io.setContext(record.transcriptContext())`); the edge takes context updates until the
 * engine's close has settled.
 */

/**
 * One line of the final conversation, as its `transcript` run event says it. Times are ms since the
 * session started: a caller turn from their first speech onset to their last end of speech (as the
 * VAD heard it; a key press when it was sent); an agent turn from its first audio handed over for
 * playback to its last audio played (or the moment the caller interrupted it).
 */
export interface TranscriptEntry {
  role: 'agent' | 'caller';
  /** What was said; for an interrupted agent turn, what the caller heard. */
  text: string;
  start_ms: number;
  end_ms: number;
  /** The caller interrupted this agent turn: `text` is what they heard. */
  interrupted?: true;
  /** An interrupted agent turn's whole reply (what the agent was saying), when it differs from `text`. */
  reply?: string;
}

/**
 * The `transcript` context update: the newest lines, in order, and how many older ones were left
 * out. A type, not an interface, so it is a `Record` for `io.setContext`.
 */
export type TranscriptContext = { transcript: TranscriptEntry[]; transcript_omitted?: number };

/**
 * Largest JSON size of the `transcript` context update, bytes: under the run event cap
 * (`MAX_RUN_EVENT_BYTES`, 16 KiB) with room for the envelope. Past it the oldest lines are left
 * out and `transcript_omitted` says how many.
 */
export const MAX_TRANSCRIPT_CONTEXT_BYTES = 15_000;

/**
 * `entry` as it is stored: an interrupted turn's `reply` is left out when the line would not fit
 * {@link MAX_TRANSCRIPT_CONTEXT_BYTES} with it (what the caller heard is the line's point).
 */
export function fittedLine(entry: TranscriptEntry): TranscriptEntry {
  if (entry.reply === undefined || Buffer.byteLength(JSON.stringify(entry)) + 64 <= MAX_TRANSCRIPT_CONTEXT_BYTES) return entry;
  const { reply: _reply, ...line } = entry;
  return line;
}

/** Keeps a call's transcript lines (bounded by {@link MAX_TRANSCRIPT_CONTEXT_BYTES} when read). */
export class TranscriptRecord {
  readonly #lines: TranscriptEntry[] = [];
  #linesBytes = 0;
  /** Lines dropped while the call went on (the oldest). */
  #omitted = 0;

  /** A transcript line (as its run event says it). */
  line(entry: TranscriptEntry): void {
    this.#lines.push(entry);
    this.#linesBytes += Buffer.byteLength(JSON.stringify(entry)) + 1;
    // Keep what the context update can hold (and a little more), not the whole call.
    while (this.#linesBytes > 2 * MAX_TRANSCRIPT_CONTEXT_BYTES && this.#lines.length > 1) this.#drop();
  }

  /** The `transcript` context update: the newest lines that fit {@link MAX_TRANSCRIPT_CONTEXT_BYTES}. */
  transcriptContext(): TranscriptContext {
    const lines: TranscriptEntry[] = [];
    let bytes = 64;
    for (let i = this.#lines.length - 1; i >= 0; i--) {
      const size = Buffer.byteLength(JSON.stringify(this.#lines[i])) + 1;
      if (bytes + size > MAX_TRANSCRIPT_CONTEXT_BYTES) break;
      bytes += size;
      lines.push(this.#lines[i]!);
    }
    lines.reverse();
    const omitted = this.#omitted + this.#lines.length - lines.length;
    return omitted > 0 ? { transcript: lines, transcript_omitted: omitted } : { transcript: lines };
  }

  #drop(): void {
    const dropped = this.#lines.shift()!;
    this.#linesBytes -= Buffer.byteLength(JSON.stringify(dropped)) + 1;
    this.#omitted++;
  }
}
