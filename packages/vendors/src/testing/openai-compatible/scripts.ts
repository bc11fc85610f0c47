/**
 * What the OpenAI-compatible stand-in answers, scripted per request, and the SSE chunks of a
 * scripted chat reply (the vendor's wire shape: `chat.completion.chunk` objects, tool-call argument
 * pieces per `index`, a finish chunk, a usage chunk, `[DONE]`).
 */

/** How a scripted answer misbehaves. */
export interface Misbehaviour {
  /** Answer this status with `errorBody` (JSON) instead. */
  status?: number | undefined;
  errorBody?: unknown;
  /** Wait this long before the response headers. */
  firstByteDelayMs?: number | undefined;
  /**
   * Never finish: `'before_headers'` (accept, never answer), `'after_headers'` (200 and no body),
   * `'mid_stream'` (stop writing halfway, keep the connection open).
   */
  hang?: 'before_headers' | 'after_headers' | 'mid_stream' | undefined;
}

/** A tool call of a scripted chat reply. */
export interface ScriptedToolCall {
  /** Default `call_<n>`. */
  id?: string | undefined;
  name: string;
  /** The complete arguments text; sent in `pieces` parts (default 3) across chunks. */
  arguments: string;
  pieces?: number | undefined;
}

/** One scripted chat completion. */
export interface ChatReply extends Misbehaviour {
  /** Text pieces, one chunk each. Default: `echo: <last user message>` split into words. */
  text?: readonly string[] | undefined;
  toolCalls?: readonly ScriptedToolCall[] | undefined;
  /** Alternate the argument pieces of the tool calls across chunks (assembly by `index`). */
  interleaveToolCalls?: boolean | undefined;
  /** Default `tool_calls` when there are tool calls, else `stop`. */
  finishReason?: string | undefined;
  /** Delay between SSE chunks. */
  chunkDelayMs?: number | undefined;
  /** Write `data: xxxx…` forever without a line break (a cap test). */
  endlessLine?: boolean | undefined;
  /** Send these `data` payloads verbatim instead of building chunks (then `[DONE]` unless `omitDone`). */
  raw?: readonly string[] | undefined;
  /** End the body without `data: [DONE]`. */
  omitDone?: boolean | undefined;
}

/** One scripted transcription. */
export interface TranscriptionReply extends Misbehaviour {
  text: string;
}

/** One scripted speech answer. */
export interface SpeechReply extends Misbehaviour {
  /** Default `'tone'` (440 Hz). */
  sound?: 'tone' | 'silence' | undefined;
  /** Audio length per input character, default 60 ms (so length is proportional to the text). */
  msPerChar?: number | undefined;
  /** Bytes per written chunk, default 4800 (100 ms at 24 kHz). */
  chunkBytes?: number | undefined;
  chunkDelayMs?: number | undefined;
}

/** The SSE `data` payloads of `reply` for a request that did (or not) ask for usage. */
export function chatPayloads(reply: ChatReply, body: Record<string, unknown>, serial: number): string[] {
  if (reply.raw !== undefined) return [...reply.raw, ...(reply.omitDone === true ? [] : ['[DONE]'])];
  const model = typeof body.model === 'string' ? body.model : 'stand-in';
  const base = { id: `chatcmpl-standin-${serial}`, object: 'chat.completion.chunk', created: 1_700_000_000, model };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
    JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  const out: string[] = [chunk({ role: 'assistant', content: '' })];
  const text = reply.text ?? defaultText(body);
  for (const piece of text) out.push(chunk({ content: piece }));

  const calls = reply.toolCalls ?? [];
  const starts = calls.map((c, index) => ({ index, id: c.id ?? `call_${index}`, type: 'function', function: { name: c.name, arguments: '' } }));
  const pieces = calls.map((c) => split(c.arguments, c.pieces ?? 3));
  if (reply.interleaveToolCalls === true) {
    for (const s of starts) out.push(chunk({ tool_calls: [s] }));
    const rounds = Math.max(0, ...pieces.map((p) => p.length));
    for (let r = 0; r < rounds; r++) {
      pieces.forEach((p, index) => {
        if (r < p.length) out.push(chunk({ tool_calls: [{ index, function: { arguments: p[r] } }] }));
      });
    }
  } else {
    starts.forEach((s, index) => {
      out.push(chunk({ tool_calls: [s] }));
      for (const p of pieces[index]!) out.push(chunk({ tool_calls: [{ index, function: { arguments: p } }] }));
    });
  }
  out.push(chunk({}, reply.finishReason ?? (calls.length > 0 ? 'tool_calls' : 'stop')));
  const options = body.stream_options;
  if (typeof options === 'object' && options !== null && (options as { include_usage?: unknown }).include_usage === true) {
    const completion = text.length + calls.length * 10;
    const prompt = JSON.stringify(body.messages ?? []).length >> 2;
    out.push(JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } }));
  }
  if (reply.omitDone !== true) out.push('[DONE]');
  return out;
}

/** `echo: <last user message>` as word pieces. */
function defaultText(body: Record<string, unknown>): string[] {
  const messages = Array.isArray(body.messages) ? (body.messages as { role?: unknown; content?: unknown }[]) : [];
  const last = [...messages].reverse().find((m) => m.role === 'user' && typeof m.content === 'string');
  const words = `echo: ${typeof last?.content === 'string' ? last.content : ''}`.trim().split(/(?<= )/);
  return words;
}

/** `text` in `n` nearly equal parts (fewer when it is shorter). */
export function split(text: string, n: number): string[] {
  const parts = Math.max(1, Math.min(n, text.length));
  const size = Math.ceil(text.length / parts);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length === 0 ? [''] : out;
}
