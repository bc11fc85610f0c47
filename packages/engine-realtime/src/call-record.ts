/**
 * What a realtime call leaves on its run besides its events: the model's token usage, summed over
 * its responses (`response.done`'s `response.usage`), and the final conversation
 * ({@link TranscriptRecord}). Both are set on the run's `gathered_context` (`usage`, `transcript`)
 * once, when the session closes.
 */
import { TranscriptRecord } from '@vr3/agent';

/**
 * `gathered_context.usage` of a realtime call. The names follow the `voice` engine's; the model
 * takes and gives audio itself, so no TTS characters or STT seconds.
 */
export interface RealtimeUsage {
  /** Input tokens of every response (`input_tokens`: text, audio and cached ones). */
  llm_prompt_tokens: number;
  /** Output tokens of every response (`output_tokens`: text and audio). */
  llm_completion_tokens: number;
  /** Of the input tokens, audio (`input_token_details.audio_tokens`); the rest is text. */
  llm_prompt_audio_tokens: number;
  /** Of the output tokens, audio (`output_token_details.audio_tokens`); the rest is text. */
  llm_completion_audio_tokens: number;
}

/** Sums a call's token usage and keeps its transcript lines. */
export class RealtimeCallRecord extends TranscriptRecord {
  readonly #usage: RealtimeUsage = { llm_prompt_tokens: 0, llm_completion_tokens: 0, llm_prompt_audio_tokens: 0, llm_completion_audio_tokens: 0 };

  /** A response is done: its `response.usage` (absent or malformed counts are 0). */
  response(usage: unknown): void {
    if (!isObject(usage)) return;
    this.#usage.llm_prompt_tokens += count(usage.input_tokens);
    this.#usage.llm_completion_tokens += count(usage.output_tokens);
    if (isObject(usage.input_token_details)) this.#usage.llm_prompt_audio_tokens += count(usage.input_token_details.audio_tokens);
    if (isObject(usage.output_token_details)) this.#usage.llm_completion_audio_tokens += count(usage.output_token_details.audio_tokens);
  }

  /** The usage so far. */
  get usage(): RealtimeUsage {
    return { ...this.#usage };
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
/** A token count as the vendor gives it: a non-negative integer, else 0. */
const count = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : 0);
