/**
 * Field readers shared by provider adapters. Provider frames disagree on key case (`streamSid` vs
 * `stream_sid`) and on number types (`"8000"` vs `8000`); these helpers absorb both so adapters
 * read like the provider's documentation. Internal to the package.
 */
import { nestsDeeperThan } from '@vr3/protocol';
import { ProviderFrameError } from './errors.ts';

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

/** True for a plain JSON object (not `null`, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Builds a `malformed_frame` error. */
export function malformed(message: string, cause?: unknown): ProviderFrameError {
  return new ProviderFrameError('malformed_frame', message, cause === undefined ? {} : { cause });
}

/**
 * Deepest nesting of objects and arrays accepted in an inbound frame (the frame itself is depth 1).
 * Documented frames nest 3 levels (`start.customParameters.x`); a frame nested thousands deep
 * (a 64 KiB frame can hold 32 000 levels) would overflow the stack of every later recursive
 * step — `JSON.stringify` of custom parameters, of the bus message, of the stored metadata.
 */
export const MAX_FRAME_DEPTH = 32;

/**
 * Decodes one inbound text frame into a JSON object with a string `event`.
 * Throws `malformed_frame` for binary frames, invalid JSON, non-objects, a missing `event` and
 * nesting deeper than {@link MAX_FRAME_DEPTH}.
 */
export function parseEventFrame(data: Buffer | string, isBinary: boolean): JsonObject & { event: string } {
  if (isBinary) throw malformed('binary frames are not accepted');
  let value: unknown;
  try {
    value = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch (err) {
    throw malformed('frame is not valid JSON', err);
  }
  if (!isJsonObject(value)) throw malformed('frame is not a JSON object');
  if (typeof value.event !== 'string' || value.event === '') throw malformed('frame has no event name');
  if (nestsDeeperThan(value, MAX_FRAME_DEPTH)) throw malformed('frame nests too deeply');
  return value as JsonObject & { event: string };
}

/** `obj[camel]`, or `obj[snake]` when the camelCase key is absent. */
export function pick(obj: JsonObject, camel: string, snake: string): unknown {
  const v = obj[camel];
  return v === undefined ? obj[snake] : v;
}

/** A nested object field (`start`, `media`, …); throws `malformed_frame` when absent or not an object. */
export function requireObject(obj: JsonObject, key: string): JsonObject {
  const v = obj[key];
  if (!isJsonObject(v)) throw malformed(`"${key}" is missing or not an object`);
  return v;
}

/**
 * An identifier: a non-empty string, or a finite number turned into a string. Anything else
 * (missing, empty, boolean, object) is `undefined`.
 */
export function readId(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A free-text field (phone number, reason): a string or a finite number as a string. */
export function readText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * A non-negative integer sent as a number or a decimal string (`"42"`); `undefined` when absent or
 * not such a number. Never throws: counters are informative, not required.
 */
export function readCount(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 15) return undefined;
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Decodes a standard or URL-safe base64 string, padded or not. Throws `malformed_frame` when the
 * text holds characters outside the alphabet (Node's decoder would silently skip them).
 */
export function decodeBase64(text: string): Buffer {
  const decoded = Buffer.from(text, 'base64');
  let len = text.length;
  if (len > 0 && text.charCodeAt(len - 1) === 61 /* = */) len--;
  if (len > 0 && text.charCodeAt(len - 1) === 61) len--;
  if (len % 4 === 1 || decoded.length !== Math.floor((len * 3) / 4)) {
    throw malformed('media payload is not valid base64');
  }
  return decoded;
}

/**
 * Flattens integrator parameters to strings. Accepts an object (`customParameters`) or a
 * `"k=v;k2=v2"` / `"k=v,k2=v2"` string (Plivo/Vobiz `extra_headers`; a pair without `=` may use
 * `:`, as in Vobiz's `header:value` form). Strings stay as they are,
 * numbers and booleans become their text, `null`/`undefined` values (and a `__proto__` key) are
 * dropped, nested objects and arrays become JSON. Anything else yields `{}`.
 */
export function flattenParameters(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isJsonObject(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (v === null || v === undefined || key === '__proto__') continue;
      out[key] = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
  } else if (typeof value === 'string') {
    for (const pair of value.split(/[;,]/)) {
      const eq = pair.includes('=') ? pair.indexOf('=') : pair.indexOf(':');
      const key = eq > 0 ? pair.slice(0, eq).trim() : '';
      if (key === '' || key === '__proto__') continue;
      out[key] = pair.slice(eq + 1).trim();
    }
  }
  return out;
}
