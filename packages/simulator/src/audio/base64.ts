/**
 * Allocation-free base64 for the load path: decode a base64 run that sits inside a received frame
 * (a byte range of a Buffer) straight into a reusable byte array, without making a string.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const PAD = 0x3d; // '='

/** base64 character code → 6-bit value, −1 for anything else. */
const DECODE = new Int8Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/**
 * Decodes standard base64 (with `=` padding, no whitespace) held in `src[start, end)` into `dst`.
 *
 * @returns bytes written, or −1 when the range is not valid base64 or `dst` is too short.
 */
export function decodeBase64Into(src: Uint8Array, start: number, end: number, dst: Uint8Array): number {
  const length = end - start;
  if (length < 0 || (length & 3) !== 0) return -1;
  if (length === 0) return 0;
  let padding = 0;
  if (src[end - 1] === PAD) padding = src[end - 2] === PAD ? 2 : 1;
  const bytes = (length >> 2) * 3 - padding;
  if (dst.length < bytes) return -1;
  let o = 0;
  const full = end - (padding > 0 ? 4 : 0);
  let i = start;
  for (; i < full; i += 4) {
    const a = DECODE[src[i]!]!;
    const b = DECODE[src[i + 1]!]!;
    const c = DECODE[src[i + 2]!]!;
    const d = DECODE[src[i + 3]!]!;
    if ((a | b | c | d) < 0) return -1;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    dst[o++] = n >> 16;
    dst[o++] = (n >> 8) & 0xff;
    dst[o++] = n & 0xff;
  }
  if (padding > 0) {
    const a = DECODE[src[i]!]!;
    const b = DECODE[src[i + 1]!]!;
    const c = padding === 1 ? DECODE[src[i + 2]!]! : 0;
    if ((a | b | c) < 0) return -1;
    const n = (a << 18) | (b << 12) | (c << 6);
    dst[o++] = n >> 16;
    if (padding === 1) dst[o++] = (n >> 8) & 0xff;
  }
  return o;
}
