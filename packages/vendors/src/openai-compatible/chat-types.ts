/**
 * What a chat completion request carries and what its stream yields, in the product's terms
 * (camelCase); {@link chatRequestBody} maps a request onto the wire.
 */

/** A function the model may call. `parameters` is a JSON Schema object. */
export interface FunctionTool {
  name: string;
  description?: string | undefined;
  parameters: Record<string, unknown>;
}

/** A complete tool call, as assembled from the stream (and as sent back in the follow-up request). */
export interface ChatToolCall {
  /** The vendor's id of the call (`call_…`); the `toolCallId` of its answer. */
  id: string;
  name: string;
  /** The arguments as the model wrote them: a JSON text, not parsed or validated here. */
  arguments: string;
}

/** One message of the conversation. */
export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string | null; toolCalls?: readonly ChatToolCall[] | undefined }
  | { role: 'tool'; toolCallId: string; content: string };

/** Which tool the model must use. */
export type ChatToolChoice = 'auto' | 'none' | 'required' | { name: string };

/** One streamed chat completion request. */
export interface ChatCompletionRequest {
  model: string;
  messages: readonly ChatMessage[];
  tools?: readonly FunctionTool[] | undefined;
  toolChoice?: ChatToolChoice | undefined;
  temperature?: number | undefined;
  /** Sent as `max_tokens` (what OpenAI-compatible servers accept). */
  maxTokens?: number | undefined;
  /** Further body fields for a particular vendor; they cannot override the fields above. */
  extra?: Readonly<Record<string, unknown>> | undefined;
}

/** Token counts of one completion (the last chunk, with `stream_options.include_usage`). */
export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/**
 * Why the model stopped: `stop`, `tool_calls`, `length`, `content_filter`, or a vendor's own value.
 */
export type ChatFinishReason = 'stop' | 'tool_calls' | 'length' | 'content_filter' | (string & {});

/** What a chat stream yields, in order: text and tool calls, then `finish`, then `usage` (when sent). */
export type ChatStreamEvent =
  | { type: 'text'; text: string }
  /** A tool call whose arguments are complete (emitted when the choice finishes, in index order). */
  | { type: 'tool_call'; index: number; call: ChatToolCall }
  | { type: 'finish'; reason: ChatFinishReason }
  | { type: 'usage'; usage: ChatUsage };

/** The JSON body of `POST /v1/chat/completions` for `request` (always streamed, with usage). */
export function chatRequestBody(request: ChatCompletionRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    ...request.extra,
    model: request.model,
    messages: request.messages.map(wireMessage),
    stream: true,
    stream_options: { include_usage: true },
  };
  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = request.tools.map((t) => ({
      type: 'function',
      function: { name: t.name, ...(t.description === undefined ? {} : { description: t.description }), parameters: t.parameters },
    }));
  }
  if (request.toolChoice !== undefined) {
    body.tool_choice = typeof request.toolChoice === 'string' ? request.toolChoice : { type: 'function', function: { name: request.toolChoice.name } };
  }
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  return body;
}

function wireMessage(m: ChatMessage): Record<string, unknown> {
  switch (m.role) {
    case 'system':
    case 'user':
      return { role: m.role, content: m.content };
    case 'assistant': {
      const out: Record<string, unknown> = { role: 'assistant', content: m.content };
      if (m.toolCalls !== undefined && m.toolCalls.length > 0) {
        out.tool_calls = m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
      }
      return out;
    }
    case 'tool':
      return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
  }
}
