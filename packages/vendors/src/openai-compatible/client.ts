/**
 * {@link OpenAiCompatibleClient}: chat completions (streamed), transcriptions and speech (streamed)
 * against any OpenAI-compatible API, over the product's guarded outbound transport.
 */
import { streamChat } from './chat.ts';
import type { StreamCallOptions } from './chat.ts';
import type { ChatCompletionRequest, ChatStreamEvent } from './chat-types.ts';
import { resolveClientOptions } from './options.ts';
import type { OpenAiCompatibleClientOptions, ResolvedClientOptions } from './options.ts';
import { streamSpeech } from './speech.ts';
import type { SpeechRequest } from './speech.ts';
import { transcribe } from './transcription.ts';
import type { TranscriptionCallOptions, TranscriptionRequest, TranscriptionResult } from './transcription.ts';

/**
 * A client of one OpenAI-compatible API (one base URL and key). Holds no connection of its own:
 * requests share the keep-alive pools of `@vr3/providers` for its address policy, so a client may
 * be built per call and needs no close. Every method fails with `VendorError`.
 */
export class OpenAiCompatibleClient {
  readonly #options: ResolvedClientOptions;

  /** @throws VendorError `invalid_option` for a bad option (named, never its value). */
  constructor(options: OpenAiCompatibleClientOptions) {
    this.#options = resolveClientOptions(options);
  }

  /** The vendor label of this client's errors. */
  get vendor(): string {
    return this.#options.vendor;
  }

  /**
   * Streams one chat completion: text deltas, complete tool calls, the finish reason, then usage.
   * Sent when iteration starts; leaving the loop early drops the connection.
   */
  chat(request: ChatCompletionRequest, options?: StreamCallOptions): AsyncGenerator<ChatStreamEvent, void, undefined> {
    return streamChat(this.#options, request, options);
  }

  /** Transcribes one utterance of PCM16 mono. */
  transcribe(request: TranscriptionRequest, options?: TranscriptionCallOptions): Promise<TranscriptionResult> {
    return transcribe(this.#options, request, options);
  }

  /**
   * Streams the speech of one text as PCM16 LE mono 24 kHz chunks as they arrive. Sent when
   * iteration starts; leaving the loop early (or aborting) drops the connection.
   */
  speech(request: SpeechRequest, options?: StreamCallOptions): AsyncGenerator<Buffer, void, undefined> {
    return streamSpeech(this.#options, request, options);
  }
}
