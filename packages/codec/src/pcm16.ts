/**
 * Conversions between 16-bit PCM byte streams (little- or big-endian) and `Int16Array` samples.
 *
 * Decoding returns a zero-copy view whenever the host byte order matches and the bytes start on a
 * 2-byte boundary; otherwise (odd `byteOffset`, as is common for pooled Buffers from base64 decode,
 * or a byte-order swap) it copies. Encoding always returns a fresh Buffer the caller owns.
 */
import { CodecError, CodecErrorCode } from './errors.ts';

/** True on little-endian hosts (every platform Node supports in practice). */
const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function sampleCount(buf: Uint8Array): number {
  if ((buf.byteLength & 1) !== 0) {
    throw new CodecError(
      CodecErrorCode.OddByteLength,
      `16-bit PCM needs an even number of bytes, got ${buf.byteLength}`,
    );
  }
  return buf.byteLength >> 1;
}

/** Copies the bytes into a new, aligned Int16Array without interpreting them. */
function copyBytes(buf: Uint8Array, count: number): Int16Array {
  const out = new Int16Array(count);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

function swapInPlace(samples: Int16Array): void {
  Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).swap16();
}

function decode(buf: Uint8Array, littleEndian: boolean): Int16Array {
  const count = sampleCount(buf);
  if (littleEndian === HOST_LITTLE_ENDIAN) {
    if ((buf.byteOffset & 1) === 0) return new Int16Array(buf.buffer, buf.byteOffset, count);
    return copyBytes(buf, count);
  }
  const out = copyBytes(buf, count);
  swapInPlace(out);
  return out;
}

function encode(samples: Int16Array, littleEndian: boolean): Buffer {
  const out = Buffer.allocUnsafe(samples.byteLength);
  out.set(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
  if (littleEndian !== HOST_LITTLE_ENDIAN) out.swap16();
  return out;
}

/**
 * Reads little-endian 16-bit PCM.
 *
 * @returns a view sharing memory with `buf` when `buf.byteOffset` is even (on little-endian hosts),
 *   otherwise an aligned copy. Treat the result as borrowed from `buf`.
 * @throws {@link CodecError} `odd_byte_length` when `buf` does not hold whole samples.
 */
export function pcm16leToInt16(buf: Uint8Array): Int16Array {
  return decode(buf, true);
}

/**
 * Reads big-endian ("network order", e.g. `audio/L16`) 16-bit PCM into a new array.
 *
 * @throws {@link CodecError} `odd_byte_length` when `buf` does not hold whole samples.
 */
export function pcm16beToInt16(buf: Uint8Array): Int16Array {
  return decode(buf, false);
}

/** Writes samples as little-endian 16-bit PCM into a new Buffer (never shares memory with `samples`). */
export function int16ToPcm16le(samples: Int16Array): Buffer {
  return encode(samples, true);
}

/** Writes samples as big-endian 16-bit PCM into a new Buffer (never shares memory with `samples`). */
export function int16ToPcm16be(samples: Int16Array): Buffer {
  return encode(samples, false);
}
