/**
 * What a voice call leaves on its run besides its events: the usage counters (LLM tokens, TTS
 * characters, STT audio seconds) and the final conversation. Both are set on the run's
 * `gathered_context` (`usage`, `transcript`) once, when the session closes; the edge takes context
 * updates until the engine's close has settled.
 */

/**
 * One line of the final conversation, as its `transcript` run event says it. Times are ms since the
 * session started: a caller turn from their first speech onset to their last end of speech (as the
 * VAD heard it; a key press when it was sent); an agent turn from its first audio sent to the
 * provider to its last audio played (or the moment the caller interrupted it).
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

/** `gathered_context.usage`. */
export interface CallUsage {
  llm_prompt_tokens: number;
  llm_completion_tokens: number;
  /** Characters sent to text to speech. */
  tts_characters: number;
  /** Seconds of caller audio sent to speech to text (utterances for `openai`, the whole call for `deepgram`). */
  stt_seconds: number;
}

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

/** Counts a call's usage and keeps its transcript lines (bounded by {@link MAX_TRANSCRIPT_CONTEXT_BYTES} when read). */
export class CallRecord {
  readonly #usage: CallUsage = { llm_prompt_tokens: 0, llm_completion_tokens: 0, tts_characters: 0, stt_seconds: 0 };
  readonly #lines: TranscriptEntry[] = [];
  #linesBytes = 0;
  /** Lines dropped while the call went on (the oldest). */
  #omitted = 0;

  /** Tokens of one chat request (its stream's `usage`). */
  llm(promptTokens: number, completionTokens: number): void {
    this.#usage.llm_prompt_tokens += promptTokens;
    this.#usage.llm_completion_tokens += completionTokens;
  }

  /** Text sent to TTS. */
  tts(text: string): void {
    this.#usage.tts_characters += text.length;
  }

  /** Caller audio sent to STT. */
  stt(seconds: number): void {
    this.#usage.stt_seconds += seconds;
  }

  /** A transcript line (as its run event says it). */
  line(entry: TranscriptEntry): void {
    this.#lines.push(entry);
    this.#linesBytes += Buffer.byteLength(JSON.stringify(entry)) + 1;
    // Keep what the context update can hold (and a little more), not the whole call.
    while (this.#linesBytes > 2 * MAX_TRANSCRIPT_CONTEXT_BYTES && this.#lines.length > 1) this.#drop();
  }

  /** The usage so far; STT seconds rounded to the millisecond. */
  get usage(): CallUsage {
    return { ...this.#usage, stt_seconds: Math.round(this.#usage.stt_seconds * 1000) / 1000 };
  }

  /** The `transcript` context update: the newest lines that fit {@link MAX_TRANSCRIPT_CONTEXT_BYTES}. */
  transcriptContext(): { transcript: TranscriptEntry[]; transcript_omitted?: number } {
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
