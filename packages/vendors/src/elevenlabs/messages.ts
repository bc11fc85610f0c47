/**
 * ElevenLabs multi-stream-input server messages → what the client acts on. Pure. Alignment times
 * are relative to the chunk they come with; the client places them in the context.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { VendorError } from '../errors.ts';
import type { TtsMark } from '../streaming/tts.ts';
import type { RefusalFacts } from '../streaming/vendor-socket.ts';

/** One server message, read. */
export type ElevenLabsMessage =
  | {
      kind: 'audio';
      contextId: string | undefined;
      /** Decoded audio (may be empty when the message only carries `isFinal`). */
      audio: Buffer;
      /** Character timings relative to this chunk's start (ms). */
      marks: readonly TtsMark[];
      isFinal: boolean;
    }
  | { kind: 'error'; contextId: string | undefined; error: VendorError }
  | { kind: 'ignored' };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Reads one text message. A message that is not ElevenLabs' format reads as `error` `malformed_message`. */
export function parseElevenLabsMessage(text: string): ElevenLabsMessage {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch (err) {
    return { kind: 'error', contextId: undefined, error: malformed('not JSON', err) };
  }
  if (!isObject(msg)) return { kind: 'error', contextId: undefined, error: malformed('not an object') };
  const contextId = str(msg.contextId) ?? str(msg.context_id);
  if (msg.error !== undefined && msg.error !== null) {
    const code = str(msg.error) ?? (isObject(msg.error) ? str(msg.error.code) : undefined);
    return {
      kind: 'error',
      contextId,
      error: new VendorError('elevenlabs', 'vendor_error', 'ElevenLabs reported an error', { vendorCode: code, vendorMessage: str(msg.message) }),
    };
  }
  const isFinal = msg.isFinal === true || msg.is_final === true;
  const audioText = msg.audio;
  if (audioText !== undefined && audioText !== null && typeof audioText !== 'string') return { kind: 'error', contextId, error: malformed('audio is not base64 text') };
  if (typeof audioText !== 'string' && !isFinal) return { kind: 'ignored' };
  const audio = typeof audioText === 'string' ? Buffer.from(audioText, 'base64') : Buffer.alloc(0);
  const marks = marksOf(msg.alignment);
  if (marks === null) return { kind: 'error', contextId, error: malformed('alignment arrays missing or of different lengths') };
  return { kind: 'audio', contextId, audio, marks, isFinal };
}

/** Character marks of an alignment object (`null` when malformed, `[]` when absent). */
function marksOf(alignment: unknown): TtsMark[] | null {
  if (alignment === undefined || alignment === null) return [];
  if (!isObject(alignment)) return null;
  const chars = alignment.chars;
  const starts = alignment.charStartTimesMs ?? alignment.charsStartTimesMs;
  // Both spellings are seen in ElevenLabs' messages and SDKs.
  const durations = alignment.charDurationsMs ?? alignment.charsDurationsMs;
  if (!Array.isArray(chars) || !Array.isArray(starts) || !Array.isArray(durations)) return null;
  if (chars.length !== starts.length || chars.length !== durations.length) return null;
  const marks: TtsMark[] = new Array<TtsMark>(chars.length);
  for (let i = 0; i < chars.length; i++) {
    const c: unknown = chars[i];
    const s: unknown = starts[i];
    const d: unknown = durations[i];
    if (typeof c !== 'string' || typeof s !== 'number' || typeof d !== 'number' || !Number.isFinite(s) || !Number.isFinite(d)) return null;
    marks[i] = { text: c, startMs: s, endMs: s + d };
  }
  return marks;
}

function malformed(what: string, cause?: unknown): VendorError {
  return new VendorError('elevenlabs', 'malformed_message', `unreadable ElevenLabs message: ${what}`, cause === undefined ? {} : { cause });
}

/** ElevenLabs' refusal of an upgrade: `{detail: {status, message}}` or `{detail: "…"}` in the body. */
export function elevenLabsRefusal(_status: number, _headers: IncomingHttpHeaders, body: string): RefusalFacts {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return {};
  }
  if (!isObject(parsed)) return {};
  const detail = parsed.detail;
  if (isObject(detail)) return { vendorCode: str(detail.status), vendorMessage: str(detail.message) };
  return { vendorMessage: str(detail) ?? str(parsed.message) };
}

/**
 * The error of a close the client did not ask for: 1008 (policy: bad key, quota, invalid input) and
 * application codes 4000–4999 become `vendor_error` with the reason; anything else the default.
 */
export function elevenLabsClose(code: number, reason: string): VendorError | undefined {
  if (code !== 1008 && (code < 4000 || code > 4999)) return undefined;
  return new VendorError('elevenlabs', 'vendor_error', `ElevenLabs closed the stream with an error (close code ${code})`, {
    closeCode: code,
    vendorMessage: reason === '' ? undefined : reason,
  });
}
