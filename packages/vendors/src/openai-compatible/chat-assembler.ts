/**
 * Turns the `data` of each `chat.completion.chunk` into {@link ChatStreamEvent}s: text deltas as
 * they come, tool calls assembled by `index` from their argument pieces and released complete when
 * the choice finishes, then the finish reason and usage. Pure: no I/O, no timers. Only choice 0 is
 * read (requests never ask for `n > 1`).
 */
import type { ChatStreamEvent, ChatToolCall } from './chat-types.ts';

/** A chunk the assembler cannot accept: not JSON / not the wire shape, or a vendor error object. */
export class ChatChunkError extends Error {
  constructor(
    readonly kind: 'malformed' | 'vendor_error',
    message: string,
    /** The vendor's error object as JSON text (for a redacted excerpt), when `vendor_error`. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'ChatChunkError';
  }
}

interface PendingCall {
  id: string;
  name: string;
  /** Argument pieces in arrival order, joined once when the call completes. */
  pieces: string[];
}

/** Assembles one chat stream. */
export class ChatChunkAssembler {
  readonly #calls = new Map<number, PendingCall>();
  #finished = false;
  #lastIndex: number | undefined;

  /** Whether a `finish_reason` was seen. */
  get finished(): boolean {
    return this.#finished;
  }

  /**
   * The events of one chunk's `data` (the caller handles `[DONE]`).
   *
   * @throws ChatChunkError
   */
  push(data: string): ChatStreamEvent[] {
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      throw new ChatChunkError('malformed', 'chat chunk is not JSON');
    }
    if (!isRecord(chunk)) throw new ChatChunkError('malformed', 'chat chunk is not an object');
    if (chunk.error !== undefined && chunk.error !== null) {
      throw new ChatChunkError('vendor_error', 'chat stream carried an error', safeJson(chunk.error));
    }
    const events: ChatStreamEvent[] = [];
    const choices = chunk.choices;
    if (choices !== undefined && choices !== null && !Array.isArray(choices)) throw new ChatChunkError('malformed', 'chat chunk choices is not an array');
    const choice = Array.isArray(choices) ? (choices.find((c) => isRecord(c) && (c.index ?? 0) === 0) as unknown) : undefined;
    if (isRecord(choice)) this.#choice(choice, events);
    const usage = chunk.usage;
    if (isRecord(usage)) {
      events.push({
        type: 'usage',
        usage: { promptTokens: count(usage.prompt_tokens), completionTokens: count(usage.completion_tokens), totalTokens: count(usage.total_tokens) },
      });
    }
    return events;
  }

  /**
   * The end of the stream: tool calls still pending (a stream that ended without a finish reason).
   *
   * @throws ChatChunkError a pending call has no name.
   */
  end(): ChatStreamEvent[] {
    const events: ChatStreamEvent[] = [];
    this.#releaseCalls(events);
    return events;
  }

  #choice(choice: Record<string, unknown>, events: ChatStreamEvent[]): void {
    const delta = choice.delta;
    if (isRecord(delta)) {
      if (typeof delta.content === 'string' && delta.content !== '') events.push({ type: 'text', text: delta.content });
      const toolCalls = delta.tool_calls;
      if (Array.isArray(toolCalls)) toolCalls.forEach((tc, position) => this.#toolCallDelta(tc, position));
      else if (toolCalls !== undefined && toolCalls !== null) throw new ChatChunkError('malformed', 'delta.tool_calls is not an array');
    }
    const reason = choice.finish_reason;
    if (typeof reason === 'string' && reason !== '') {
      this.#releaseCalls(events);
      this.#finished = true;
      events.push({ type: 'finish', reason });
    }
  }

  #toolCallDelta(tc: unknown, position: number): void {
    if (!isRecord(tc)) throw new ChatChunkError('malformed', 'tool call delta is not an object');
    const id = typeof tc.id === 'string' ? tc.id : '';
    const index = this.#indexOf(tc.index, id, position);
    const fn = isRecord(tc.function) ? tc.function : {};
    let call = this.#calls.get(index);
    if (call === undefined) {
      call = { id: '', name: '', pieces: [] };
      this.#calls.set(index, call);
    }
    if (call.id === '' && id !== '') call.id = id;
    if (call.name === '' && typeof fn.name === 'string') call.name = fn.name;
    if (typeof fn.arguments === 'string' && fn.arguments !== '') call.pieces.push(fn.arguments);
  }

  /**
   * The `index` of a delta. Servers that omit it (some compatible ones do) are matched by `id`, and
   * a new id without an index starts a new call.
   */
  #indexOf(index: unknown, id: string, position: number): number {
    if (typeof index === 'number' && Number.isInteger(index) && index >= 0) return (this.#lastIndex = index);
    if (id !== '') {
      for (const [i, c] of this.#calls) if (c.id === id) return (this.#lastIndex = i);
      return (this.#lastIndex = this.#calls.has(position) ? Math.max(...this.#calls.keys()) + 1 : position);
    }
    // No index and no id: a continuation of the call started last.
    return position === 0 && this.#lastIndex !== undefined ? this.#lastIndex : position;
  }

  #releaseCalls(events: ChatStreamEvent[]): void {
    const indexes = [...this.#calls.keys()].sort((a, b) => a - b);
    for (const index of indexes) {
      const pending = this.#calls.get(index)!;
      if (pending.name === '') throw new ChatChunkError('malformed', 'tool call has no function name');
      const call: ChatToolCall = { id: pending.id === '' ? `call_${index}` : pending.id, name: pending.name, arguments: pending.pieces.join('') };
      events.push({ type: 'tool_call', index, call });
    }
    this.#calls.clear();
    this.#lastIndex = undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

function safeJson(value: unknown): string {
  try {
    return typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    return '';
  }
}
