/**
 * Streamed chat completions: `POST {base}/v1/chat/completions` with `stream: true`, read as SSE
 * under the line cap, the stream cap and the first-byte and idle deadlines.
 */
import { ChatChunkAssembler, ChatChunkError } from './chat-assembler.ts';
import { chatRequestBody } from './chat-types.ts';
import type { ChatCompletionRequest, ChatStreamEvent } from './chat-types.ts';
import { VendorError, bodyExcerptOf } from '../errors.ts';
import { openExchange } from './exchange.ts';
import type { Exchange } from './exchange.ts';
import type { ResolvedClientOptions } from './options.ts';
import { SseDecoder, SseLineTooLongError } from './sse.ts';

/** Per-call options of a streamed operation. */
export interface StreamCallOptions {
  /** Aborts the request; a stream being read closes its connection at once (`vendor_aborted`). */
  signal?: AbortSignal | undefined;
}

const DONE = '[DONE]';

/**
 * Streams one chat completion. The request is sent when iteration starts; breaking out of the loop
 * (or `return()`) before the end drops the connection, which stops the generation.
 */
export async function* streamChat(client: ResolvedClientOptions, request: ChatCompletionRequest, options: StreamCallOptions = {}): AsyncGenerator<ChatStreamEvent, void, undefined> {
  const body = JSON.stringify(chatRequestBody(request));
  const exchange = await openExchange(client, {
    operation: 'chat',
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body,
    deadlines: { kind: 'stream', firstByteMs: client.firstByteTimeoutMs, idleMs: client.idleTimeoutMs },
    maxBytes: client.maxChatStreamBytes,
    signal: options.signal,
  });
  const decoder = new SseDecoder(client.maxSseLineBytes);
  const assembler = new ChatChunkAssembler();
  let done = false;
  try {
    while (!done) {
      const chunk = await exchange.next();
      const datas = chunk === undefined ? decode(exchange, client, () => decoder.flush()) : decode(exchange, client, () => decoder.write(chunk));
      for (const data of datas) {
        if (data === DONE) {
          done = true;
          break;
        }
        yield* assemble(exchange, client, () => assembler.push(data));
      }
      if (chunk === undefined) break;
    }
    if (!done && !assembler.finished) {
      throw new VendorError(client.vendor, 'vendor_network', `${client.vendor} chat stream ended before it finished`, { operation: 'chat' });
    }
    yield* assemble(exchange, client, () => assembler.end());
  } finally {
    exchange.close({ drain: done });
  }
}

/** Runs a decoder step, turning a cap violation into `vendor_line_too_long` (and dropping the connection). */
function decode(exchange: Exchange, client: ResolvedClientOptions, step: () => string[]): string[] {
  try {
    return step();
  } catch (err) {
    if (!(err instanceof SseLineTooLongError)) throw err;
    const failure = new VendorError(client.vendor, 'vendor_line_too_long', `${client.vendor} chat stream line exceeds ${err.maxLineBytes} bytes`, {
      operation: 'chat',
      cause: err,
    });
    exchange.fail(failure);
    throw failure;
  }
}

/** Runs an assembler step, turning a bad chunk into `vendor_malformed_response` / `vendor_stream_error`. */
function assemble(exchange: Exchange, client: ResolvedClientOptions, step: () => ChatStreamEvent[]): ChatStreamEvent[] {
  try {
    return step();
  } catch (err) {
    if (!(err instanceof ChatChunkError)) throw err;
    const failure =
      err.kind === 'vendor_error'
        ? new VendorError(client.vendor, 'vendor_stream_error', `${client.vendor} chat stream reported an error`, {
            operation: 'chat',
            status: exchange.status,
            bodyExcerpt: bodyExcerptOf(err.detail ?? '', client.apiKey),
            cause: err,
          })
        : new VendorError(client.vendor, 'vendor_malformed_response', `${client.vendor} chat stream: ${err.message}`, { operation: 'chat', cause: err });
    exchange.fail(failure);
    throw failure;
  }
}
