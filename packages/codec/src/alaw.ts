/**
 * ITU-T G.711 A-law (13-bit magnitude, 8 segments, even bits inverted with XOR 0x55 on the wire).
 *
 * Both directions are table lookups built once at module load: a 256-entry decode table and an
 * 8192-entry encode table indexed by the top 13 bits of the 16-bit sample (A-law ignores the low 3).
 */
import { int16Destination, toInt16, uint8Destination } from './destination.ts';

/** The A-law code closest to silence (linear +8); use it to pad A-law frames. */
export const ALAW_SILENCE = 0xd5;

/** Upper bound of each segment's 12-bit magnitude, per G.711 table 1a. */
const SEGMENT_END = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff] as const;

function decodeAlawCode(code: number): number {
  const a = (code ^ 0x55) & 0xff;
  const segment = (a >> 4) & 0x07;
  let magnitude = (a & 0x0f) << 4;
  if (segment === 0) magnitude += 8;
  else magnitude = (magnitude + 0x108) << (segment - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

/** Encodes the 13-bit two's-complement value `sample >> 3`. */
function encodeAlaw13(value13: number): number {
  let mask: number;
  let magnitude: number;
  if (value13 >= 0) {
    mask = 0xd5;
    magnitude = value13;
  } else {
    mask = 0x55;
    magnitude = -value13 - 1;
  }
  let segment = 0;
  while (segment < 8 && magnitude > SEGMENT_END[segment]!) segment++;
  if (segment >= 8) return 0x7f ^ mask;
  const shift = segment < 2 ? 1 : segment;
  return ((segment << 4) | ((magnitude >> shift) & 0x0f)) ^ mask;
}

const DECODE = new Int16Array(256);
for (let code = 0; code < 256; code++) DECODE[code] = decodeAlawCode(code);

const ENCODE = new Uint8Array(8192);
for (let pattern = 0; pattern < 8192; pattern++) ENCODE[pattern] = encodeAlaw13((pattern << 19) >> 19);

/** Decodes one A-law code (only its low 8 bits are used) to a linear 16-bit sample in [-32256, 32256]. */
export function alawToLinear(code: number): number {
  return DECODE[code & 0xff]!;
}

/**
 * Encodes one linear sample to an A-law code. The sample is truncated toward zero and clamped to
 * the int16 range first; its low 3 bits do not affect the result.
 */
export function linearToAlaw(sample: number): number {
  return ENCODE[(toInt16(sample) >> 3) & 0x1fff]!;
}

/**
 * Decodes a block of A-law bytes to linear samples.
 *
 * @param src - A-law codes, one per sample.
 * @param dst - optional reusable output; must hold at least `src.length` samples.
 * @returns `dst.subarray(0, src.length)` when `dst` is given, a new array otherwise.
 * @throws {@link CodecError} `destination_too_small` when `dst` is too short.
 */
export function alawDecode(src: Uint8Array, dst?: Int16Array): Int16Array {
  const out = int16Destination(src.length, dst);
  for (let i = 0; i < src.length; i++) out[i] = DECODE[src[i]!]!;
  return out;
}

/**
 * Encodes a block of linear samples to A-law bytes.
 *
 * @param src - 16-bit linear samples.
 * @param dst - optional reusable output; must hold at least `src.length` bytes.
 * @returns `dst.subarray(0, src.length)` when `dst` is given, a new array otherwise.
 * @throws {@link CodecError} `destination_too_small` when `dst` is too short.
 */
export function alawEncode(src: Int16Array, dst?: Uint8Array): Uint8Array {
  const out = uint8Destination(src.length, dst);
  for (let i = 0; i < src.length; i++) out[i] = ENCODE[(src[i]! >> 3) & 0x1fff]!;
  return out;
}
