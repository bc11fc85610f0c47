/**
 * Cartesia TTS WebSocket server messages → what the client acts on. Pure. Word timestamps are
 * seconds from the start of the context's audio; marks carry milliseconds.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { VendorError } from '../errors.ts';
import type { TtsMark } from '../streaming/tts.ts';
import type { RefusalFacts } from '../streaming/vendor-socket.ts';

/** One server message, read. */
export type CartesiaMessage =
  | { kind: 'chunk'; contextId: string | undefined; audio: Buffer }
  | { kind: 'timestamps'; contextId: string | undefined; marks: readonly TtsMark[] }
  | { kind: 'flush_done'; contextId: string | undefined }
  | { kind: 'done'; contextId: string | undefined }
  | { kind: 'error'; contextId: string | undefined; error: VendorError }
  | { kind: 'ignored' };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Reads one text message. A message that is not Cartesia's format reads as `error` `malformed_message`. */
export function parseCartesiaMessage(text: string): CartesiaMessage {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch (err) {
    return { kind: 'error', contextId: undefined, error: malformed('not JSON', err) };
  }
  if (!isObject(msg) || typeof msg.type !== 'string') return { kind: 'error', contextId: undefined, error: malformed('no type') };
  const contextId = str(msg.context_id);
  switch (msg.type) {
    case 'chunk':
      if (typeof msg.data !== 'string') return { kind: 'error', contextId, error: malformed('chunk without data') };
      return { kind: 'chunk', contextId, audio: Buffer.from(msg.data, 'base64') };
    case 'timestamps': {
      const marks = wordMarks(msg.word_timestamps);
      return marks === null ? { kind: 'error', contextId, error: malformed('word_timestamps arrays missing or of different lengths') } : { kind: 'timestamps', contextId, marks };
    }
    case 'flush_done':
      return { kind: 'flush_done', contextId };
    case 'done':
      return { kind: 'done', contextId };
    case 'error': {
      const status = typeof msg.status_code === 'number' ? msg.status_code : undefined;
      return {
        kind: 'error',
        contextId,
        error: new VendorError('cartesia', 'vendor_error', 'Cartesia reported an error', {
          vendorCode: str(msg.error_code) ?? (status === undefined ? undefined : String(status)),
          vendorMessage: str(msg.message) ?? str(msg.error) ?? str(msg.title),
          retryable: status !== undefined && (status === 429 || status >= 500),
        }),
      };
    }
    default:
      return { kind: 'ignored' };
  }
}

function wordMarks(timestamps: unknown): TtsMark[] | null {
  if (!isObject(timestamps)) return null;
  const { words, start, end } = timestamps;
  if (!Array.isArray(words) || !Array.isArray(start) || !Array.isArray(end)) return null;
  if (words.length !== start.length || words.length !== end.length) return null;
  const marks: TtsMark[] = new Array<TtsMark>(words.length);
  for (let i = 0; i < words.length; i++) {
    const w: unknown = words[i];
    const s: unknown = start[i];
    const e: unknown = end[i];
    if (typeof w !== 'string' || typeof s !== 'number' || typeof e !== 'number' || !Number.isFinite(s) || !Number.isFinite(e)) return null;
    marks[i] = { text: w, startMs: Math.round(s * 1_000_000) / 1000, endMs: Math.round(e * 1_000_000) / 1000 };
  }
  return marks;
}

function malformed(what: string, cause?: unknown): VendorError {
  return new VendorError('cartesia', 'malformed_message', `unreadable Cartesia message: ${what}`, cause === undefined ? {} : { cause });
}

/** Cartesia's refusal of an upgrade: a JSON body with `error`/`message`/`title`, or plain text. */
export function cartesiaRefusal(_status: number, _headers: IncomingHttpHeaders, body: string): RefusalFacts {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body.trim() === '' ? {} : { vendorMessage: body.trim() };
  }
  if (!isObject(parsed)) return {};
  return { vendorCode: str(parsed.error_code), vendorMessage: str(parsed.message) ?? str(parsed.error) ?? str(parsed.title) };
}
