/**
 * What a voice call leaves on its run besides its events: the usage counters (LLM tokens, TTS
 * characters, STT audio seconds) and the final conversation ({@link TranscriptRecord}). Both are
 * set on the run's `gathered_context` (`usage`, `transcript`) once, when the session closes; the
 * edge takes context updates until the engine's close has settled.
 */
import { TranscriptRecord } from '@vr3/agent';

/** `gathered_context.usage`. */
export interface CallUsage {
  llm_prompt_tokens: number;
  llm_completion_tokens: number;
  /** Characters sent to text to speech. */
  tts_characters: number;
  /** Seconds of caller audio sent to speech to text (utterances for `openai`, the whole call for `deepgram`). */
  stt_seconds: number;
}

/** Counts a call's usage and keeps its transcript lines. */
export class CallRecord extends TranscriptRecord {
  readonly #usage: CallUsage = { llm_prompt_tokens: 0, llm_completion_tokens: 0, tts_characters: 0, stt_seconds: 0 };

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

  /** The usage so far; STT seconds rounded to the millisecond. */
  get usage(): CallUsage {
    return { ...this.#usage, stt_seconds: Math.round(this.#usage.stt_seconds * 1000) / 1000 };
  }
}
