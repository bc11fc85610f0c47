/**
 * ITU-T G.711 μ-law, the 16-bit-input formulation (bias 0x84, clip 32635, bits inverted on the wire).
 *
 * Both directions are table lookups built once at module load: a 256-entry decode table and a
 * 65536-entry encode table indexed by the sample's 16-bit two's-complement pattern.
 */
import { int16Destination, toInt16, uint8Destination } from './destination.ts';

/** The μ-law code for digital silence (linear 0); use it to pad μ-law frames. */
export const MULAW_SILENCE = 0xff;

const BIAS = 0x84;
const CLIP = 32635;

function decodeMulawCode(code: number): number {
  const u = ~code & 0xff;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
  return u & 0x80 ? -magnitude : magnitude;
}

function encodeMulawSample(sample: number): number {
  let sign = 0;
  let magnitude = sample;
  if (magnitude < 0) {
    sign = 0x80;
    magnitude = -magnitude;
  }
  if (magnitude > CLIP) magnitude = CLIP;
  magnitude += BIAS;
  // Segment = position of the highest set bit above bit 7 (magnitude is in [0x84, 0x7FFF]).
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

const DECODE = new Int16Array(256);
for (let code = 0; code < 256; code++) DECODE[code] = decodeMulawCode(code);

const ENCODE = new Uint8Array(65536);
for (let pattern = 0; pattern < 65536; pattern++) ENCODE[pattern] = encodeMulawSample((pattern << 16) >> 16);

/**
 * Decodes one μ-law code (only its low 8 bits are used) to a linear 16-bit sample in [-32124, 32124].
 */
export function mulawToLinear(code: number): number {
  return DECODE[code & 0xff]!;
}

/**
 * Encodes one linear sample to a μ-law code. The sample is truncated toward zero and clamped to
 * the int16 range first; magnitudes above 32635 saturate.
 */
export function linearToMulaw(sample: number): number {
  return ENCODE[toInt16(sample) & 0xffff]!;
}

/**
 * Decodes a block of μ-law bytes to linear samples.
 *
 * @param src - μ-law codes, one per sample.
 * @param dst - optional reusable output; must hold at least `src.length` samples.
 * @returns `dst.subarray(0, src.length)` when `dst` is given, a new array otherwise.
 * @throws {@link CodecError} `destination_too_small` when `dst` is too short.
 */
export function mulawDecode(src: Uint8Array, dst?: Int16Array): Int16Array {
  const out = int16Destination(src.length, dst);
  for (let i = 0; i < src.length; i++) out[i] = DECODE[src[i]!]!;
  return out;
}

/**
 * Encodes a block of linear samples to μ-law bytes.
 *
 * @param src - 16-bit linear samples.
 * @param dst - optional reusable output; must hold at least `src.length` bytes.
 * @returns `dst.subarray(0, src.length)` when `dst` is given, a new array otherwise.
 * @throws {@link CodecError} `destination_too_small` when `dst` is too short.
 */
export function mulawEncode(src: Int16Array, dst?: Uint8Array): Uint8Array {
  const out = uint8Destination(src.length, dst);
  for (let i = 0; i < src.length; i++) out[i] = ENCODE[src[i]! & 0xffff]!;
  return out;
}
