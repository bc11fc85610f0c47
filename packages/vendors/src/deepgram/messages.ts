/**
 * Deepgram live messages → typed events. Pure: one text frame in, one event (or nothing, for types
 * this client does not use) out. Deepgram's times are seconds; events carry milliseconds.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { VendorError } from '../errors.ts';
import type { RefusalFacts } from '../streaming/vendor-socket.ts';

/** One recognized word. */
export interface DeepgramWord {
  word: string;
  /** The word as formatted (`punctuated_word`), else `word`. */
  punctuatedWord: string;
  startMs: number;
  endMs: number;
  confidence: number;
}

/** What a Deepgram live stream reports. */
export type DeepgramEvent =
  | {
      type: 'transcript';
      /** The first alternative's transcript (`''` for silence). */
      transcript: string;
      confidence: number;
      words: readonly DeepgramWord[];
      /** This span will not be revised. */
      isFinal: boolean;
      /** Endpointing detected the end of speech after this result. */
      speechFinal: boolean;
      /** The result answers a `Finalize`. */
      fromFinalize: boolean;
      /** Start of the span in the stream's audio, in ms. */
      startMs: number;
      durationMs: number;
    }
  | { type: 'speech_started'; /** Where speech started in the stream's audio, in ms. */ timestampMs: number }
  | { type: 'utterance_end'; /** End of the last word, in ms. */ lastWordEndMs: number }
  | { type: 'metadata'; requestId: string | undefined; /** Audio Deepgram processed, in ms. */ durationMs: number | undefined }
  /** An error message from Deepgram, or a message this client could not read; the stream goes on (a close usually follows an error). */
  | { type: 'error'; error: VendorError };

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const ms = (seconds: number): number => Math.round(seconds * 1_000_000) / 1000;

/**
 * The event of one Deepgram text message; `undefined` for a message type this client ignores.
 * A message that is not what Deepgram's format says becomes an `error` event (`malformed_message`).
 */
export function parseDeepgramMessage(text: string): DeepgramEvent | undefined {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch (err) {
    return malformed('not JSON', err);
  }
  if (!isObject(msg) || typeof msg.type !== 'string') return malformed('no type');
  switch (msg.type) {
    case 'Results':
      return resultsOf(msg);
    case 'SpeechStarted': {
      const timestamp = num(msg.timestamp);
      return timestamp === undefined ? malformed('SpeechStarted without timestamp') : { type: 'speech_started', timestampMs: ms(timestamp) };
    }
    case 'UtteranceEnd': {
      const last = num(msg.last_word_end);
      return last === undefined ? malformed('UtteranceEnd without last_word_end') : { type: 'utterance_end', lastWordEndMs: ms(last) };
    }
    case 'Metadata': {
      const duration = num(msg.duration);
      return { type: 'metadata', requestId: str(msg.request_id), durationMs: duration === undefined ? undefined : ms(duration) };
    }
    case 'Error':
      return {
        type: 'error',
        error: new VendorError('deepgram', 'vendor_error', 'Deepgram reported an error', {
          vendorCode: str(msg.err_code) ?? str(msg.variant),
          vendorMessage: str(msg.description) ?? str(msg.err_msg) ?? str(msg.message),
        }),
      };
    default:
      return undefined;
  }
}

function resultsOf(msg: Json): DeepgramEvent {
  const start = num(msg.start);
  const duration = num(msg.duration);
  if (start === undefined || duration === undefined || !isObject(msg.channel) || !Array.isArray(msg.channel.alternatives)) return malformed('Results without start, duration or channel');
  const alt: unknown = msg.channel.alternatives[0];
  const words: DeepgramWord[] = [];
  let transcript = '';
  let confidence = 0;
  if (isObject(alt)) {
    transcript = str(alt.transcript) ?? '';
    confidence = num(alt.confidence) ?? 0;
    if (Array.isArray(alt.words)) {
      for (const w of alt.words as unknown[]) {
        if (!isObject(w)) continue;
        const word = str(w.word);
        const ws = num(w.start);
        const we = num(w.end);
        if (word === undefined || ws === undefined || we === undefined) continue;
        words.push({ word, punctuatedWord: str(w.punctuated_word) ?? word, startMs: ms(ws), endMs: ms(we), confidence: num(w.confidence) ?? 0 });
      }
    }
  }
  return {
    type: 'transcript',
    transcript,
    confidence,
    words,
    isFinal: msg.is_final === true,
    speechFinal: msg.speech_final === true,
    fromFinalize: msg.from_finalize === true,
    startMs: ms(start),
    durationMs: ms(duration),
  };
}

function malformed(what: string, cause?: unknown): DeepgramEvent {
  return { type: 'error', error: new VendorError('deepgram', 'malformed_message', `unreadable Deepgram message: ${what}`, cause === undefined ? {} : { cause }) };
}

/** Deepgram's refusal of an upgrade: `{err_code, err_msg}` in the body, or the `dg-error` header. */
export function deepgramRefusal(_status: number, headers: IncomingHttpHeaders, body: string): RefusalFacts {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const header = headers['dg-error'];
  const headerText = Array.isArray(header) ? header[0] : header;
  if (isObject(parsed)) return { vendorCode: str(parsed.err_code), vendorMessage: str(parsed.err_msg) ?? headerText };
  return { vendorMessage: headerText };
}

/** Deepgram's error close reasons: `DATA-0000` (not audio), `NET-0000`/`NET-0001` (timeouts), … */
const ERROR_REASON = /^(DATA|NET)-\d{4}/;

/**
 * The error of a close the client did not ask for: a reason naming a Deepgram error code becomes
 * `vendor_error` (retryable for `NET-*`); anything else is left to the default.
 */
export function deepgramClose(code: number, reason: string): VendorError | undefined {
  const match = ERROR_REASON.exec(reason);
  if (match === null) return undefined;
  return new VendorError('deepgram', 'vendor_error', `Deepgram closed the stream with an error (close code ${code})`, {
    closeCode: code,
    vendorCode: match[0],
    vendorMessage: reason,
    retryable: match[1] === 'NET',
  });
}
