/**
 * Base64 straight between byte ranges, for the media hot path: no intermediate string. Both agree
 * exactly with the string forms the adapters use otherwise — {@link encodeBase64Into} with
 * `Buffer#toString('base64')` (standard alphabet, `=` padding) and {@link decodeBase64Bytes} with
 * `decodeBase64` (standard or URL-safe alphabet, padded or not, `malformed_frame` for anything else).
 * Internal to the package.
 */
import { malformed } from './frame-fields.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ENCODE = Uint8Array.from(ALPHABET, (ch) => ch.charCodeAt(0));
/** Sextet of each byte, or 64 for a byte outside both alphabets. */
const DECODE = new Uint8Array(256).fill(64);
for (let i = 0; i < 64; i++) DECODE[ALPHABET.charCodeAt(i)] = i;
DECODE[0x2d] = 62; // - (URL-safe)
DECODE[0x5f] = 63; // _ (URL-safe)
const EQUALS = 0x3d;

/** Length of the base64 text of `bytes` bytes, padded. */
export function base64Length(bytes: number): number {
  return 4 * Math.ceil(bytes / 3);
}

/** Writes the padded base64 text of `src` into `dst` at `at` (ASCII bytes); returns the end offset. */
export function encodeBase64Into(src: Uint8Array, dst: Uint8Array, at: number): number {
  const n = src.length;
  let o = at;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (src[i]! << 16) | (src[i + 1]! << 8) | src[i + 2]!;
    dst[o] = ENCODE[v >>> 18]!;
    dst[o + 1] = ENCODE[(v >>> 12) & 63]!;
    dst[o + 2] = ENCODE[(v >>> 6) & 63]!;
    dst[o + 3] = ENCODE[v & 63]!;
    o += 4;
  }
  if (i < n) {
    const two = i + 1 < n;
    const v = (src[i]! << 16) | (two ? src[i + 1]! << 8 : 0);
    dst[o] = ENCODE[v >>> 18]!;
    dst[o + 1] = ENCODE[(v >>> 12) & 63]!;
    dst[o + 2] = two ? ENCODE[(v >>> 6) & 63]! : EQUALS;
    dst[o + 3] = EQUALS;
    o += 4;
  }
  return o;
}

/** Decodes the base64 text in `src[start, end)` into a new Buffer; throws `malformed_frame` as `decodeBase64` does. */
export function decodeBase64Bytes(src: Uint8Array, start: number, end: number): Buffer {
  let len = end - start;
  if (len > 0 && src[start + len - 1] === EQUALS) len--;
  if (len > 0 && src[start + len - 1] === EQUALS) len--;
  if (len % 4 === 1) throw invalid();
  const out = Buffer.allocUnsafe(Math.floor((len * 3) / 4));
  let p = start;
  const stop = start + len;
  let o = 0;
  for (; p + 3 < stop; p += 4) {
    const a = DECODE[src[p]!]!;
    const b = DECODE[src[p + 1]!]!;
    const c = DECODE[src[p + 2]!]!;
    const d = DECODE[src[p + 3]!]!;
    if (((a | b | c | d) & 64) !== 0) throw invalid();
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o] = v >>> 16;
    out[o + 1] = (v >>> 8) & 0xff;
    out[o + 2] = v & 0xff;
    o += 3;
  }
  const rest = stop - p;
  if (rest >= 2) {
    const a = DECODE[src[p]!]!;
    const b = DECODE[src[p + 1]!]!;
    const c = rest === 3 ? DECODE[src[p + 2]!]! : 0;
    if (((a | b | c) & 64) !== 0) throw invalid();
    out[o] = ((a << 2) | (b >>> 4)) & 0xff;
    if (rest === 3) out[o + 1] = ((b << 4) | (c >>> 2)) & 0xff;
  }
  return out;
}

function invalid(): Error {
  return malformed('media payload is not valid base64');
}
