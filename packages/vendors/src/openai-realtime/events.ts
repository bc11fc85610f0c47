/**
 * The OpenAI Realtime (GA) wire: the client events this package sends ({@link RealtimeCommand})
 * and the server events it reads, decoded into {@link RealtimeEvent}s. Pure: no sockets, no timers.
 */

/** A conversation item the client creates. */
export type RealtimeItem =
  | { type: 'function_call_output'; call_id: string; output: string }
  | { type: 'message'; role: 'user' | 'system'; content: readonly { type: 'input_text'; text: string }[] };

/** A client event, as sent on the wire. */
export type RealtimeCommand =
  | { type: 'session.update'; session: Record<string, unknown> }
  | { type: 'input_audio_buffer.append'; audio: string }
  | { type: 'input_audio_buffer.commit' }
  | { type: 'input_audio_buffer.clear' }
  | { type: 'conversation.item.create'; item: RealtimeItem; previous_item_id?: string }
  | { type: 'conversation.item.truncate'; item_id: string; content_index: number; audio_end_ms: number }
  | { type: 'response.create'; response?: Record<string, unknown> }
  | { type: 'response.cancel'; response_id?: string };

/** The body of a server `error` event. */
export interface RealtimeErrorInfo {
  type: string;
  code?: string | undefined;
  message: string;
  param?: string | undefined;
  /** The `event_id` of the client event that caused it, when the client set one. */
  eventId?: string | undefined;
}

/** A server event, typed. Events this package does not interpret arrive as `other`. */
export type RealtimeEvent =
  | { type: 'session_created'; session: Record<string, unknown> }
  | { type: 'session_updated'; session: Record<string, unknown> }
  /** Server VAD heard speech start (`input_audio_buffer.speech_started`): the cue for barge-in. */
  | { type: 'speech_started'; itemId: string; audioStartMs: number }
  | { type: 'speech_stopped'; itemId: string; audioEndMs: number }
  | { type: 'response_created'; responseId: string }
  /** Output audio in the session's output format (`response.output_audio.delta`, formerly `response.audio.delta`). */
  | { type: 'audio_delta'; responseId: string; itemId: string; contentIndex: number; audio: Buffer }
  /** Text of the output audio (`response.output_audio_transcript.delta`, formerly `response.audio_transcript.delta`). */
  | { type: 'transcript_delta'; responseId: string; itemId: string; contentIndex: number; text: string }
  /** A complete function call (`response.function_call_arguments.done`). */
  | { type: 'function_call'; responseId: string; itemId: string; callId: string; name: string; arguments: string }
  | { type: 'response_done'; responseId: string; status: string; response: Record<string, unknown> }
  | { type: 'item_truncated'; itemId: string; contentIndex: number; audioEndMs: number }
  | { type: 'error'; error: RealtimeErrorInfo }
  | { type: 'other'; event: { type: string } & Record<string, unknown> };

/** Function names remembered per call id while their arguments stream (older servers omit `name` on `done`). */
const MAX_PENDING_CALL_NAMES = 64;

/** Decodes server events of one session (remembers function names by call id). */
export class RealtimeEventDecoder {
  readonly #callNames = new Map<string, string>();

  /** The event in `text`, or `undefined` when it is not a JSON object with a string `type`. */
  decode(text: string): RealtimeEvent | undefined {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (!isRecord(raw) || typeof raw.type !== 'string') return undefined;
    const e = raw as { type: string } & Record<string, unknown>;
    switch (e.type) {
      case 'session.created':
      case 'session.updated':
        return { type: e.type === 'session.created' ? 'session_created' : 'session_updated', session: isRecord(e.session) ? e.session : {} };
      case 'input_audio_buffer.speech_started':
        return { type: 'speech_started', itemId: str(e.item_id), audioStartMs: num(e.audio_start_ms) };
      case 'input_audio_buffer.speech_stopped':
        return { type: 'speech_stopped', itemId: str(e.item_id), audioEndMs: num(e.audio_end_ms) };
      case 'response.created':
        return { type: 'response_created', responseId: isRecord(e.response) ? str(e.response.id) : '' };
      case 'response.output_audio.delta':
      case 'response.audio.delta':
        return { type: 'audio_delta', responseId: str(e.response_id), itemId: str(e.item_id), contentIndex: num(e.content_index), audio: Buffer.from(str(e.delta), 'base64') };
      case 'response.output_audio_transcript.delta':
      case 'response.audio_transcript.delta':
        return { type: 'transcript_delta', responseId: str(e.response_id), itemId: str(e.item_id), contentIndex: num(e.content_index), text: str(e.delta) };
      case 'response.output_item.added':
        this.#rememberCall(e.item);
        return { type: 'other', event: e };
      case 'response.function_call_arguments.done': {
        const callId = str(e.call_id);
        const name = typeof e.name === 'string' && e.name !== '' ? e.name : (this.#callNames.get(callId) ?? '');
        this.#callNames.delete(callId);
        return { type: 'function_call', responseId: str(e.response_id), itemId: str(e.item_id), callId, name, arguments: str(e.arguments) };
      }
      case 'response.done': {
        const response = isRecord(e.response) ? e.response : {};
        return { type: 'response_done', responseId: str(response.id), status: str(response.status), response };
      }
      case 'conversation.item.truncated':
        return { type: 'item_truncated', itemId: str(e.item_id), contentIndex: num(e.content_index), audioEndMs: num(e.audio_end_ms) };
      case 'error': {
        const err = isRecord(e.error) ? e.error : {};
        return {
          type: 'error',
          error: { type: str(err.type), code: optStr(err.code), message: str(err.message), param: optStr(err.param), eventId: optStr(err.event_id) },
        };
      }
      default:
        return { type: 'other', event: e };
    }
  }

  #rememberCall(item: unknown): void {
    if (!isRecord(item) || item.type !== 'function_call' || typeof item.call_id !== 'string' || typeof item.name !== 'string') return;
    if (this.#callNames.size >= MAX_PENDING_CALL_NAMES) {
      const oldest = this.#callNames.keys().next();
      if (oldest.done !== true) this.#callNames.delete(oldest.value);
    }
    this.#callNames.set(item.call_id, item.name);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function optStr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
