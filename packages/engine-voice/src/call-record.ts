/**
 * What a voice call leaves on its run besides its events: the usage counters (LLM tokens, TTS
 * characters, STT audio seconds) and the final conversation. Both are set on the run's
 * `gathered_context` (`usage`, `transcript`) once, when the session closes; the edge takes context
 * updates until the engine's close has settled.
 */

/** One line of the final conversation. */
export interface TranscriptEntry {
  role: 'agent' | 'caller';
  text: string;
  /** The caller interrupted this agent turn: `text` is what they heard. */
  interrupted?: true;
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
