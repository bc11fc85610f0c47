import { CodecError, CodecErrorCode } from './errors.ts';

/**
 * Returns `dst.subarray(0, length)` when a destination is given, or a fresh array otherwise.
 * Internal helper shared by the block codecs; not exported from the package.
 */
export function int16Destination(length: number, dst: Int16Array | undefined): Int16Array {
  if (dst === undefined) return new Int16Array(length);
  if (dst.length < length) throw tooSmall(length, dst.length);
  return dst.length === length ? dst : dst.subarray(0, length);
}

/** Byte counterpart of {@link int16Destination}. */
export function uint8Destination(length: number, dst: Uint8Array | undefined): Uint8Array {
  if (dst === undefined) return new Uint8Array(length);
  if (dst.length < length) throw tooSmall(length, dst.length);
  return dst.length === length ? dst : dst.subarray(0, length);
}

function tooSmall(needed: number, got: number): CodecError {
  return new CodecError(
    CodecErrorCode.DestinationTooSmall,
    `destination holds ${got} elements, ${needed} needed`,
  );
}

/** Truncates toward zero and clamps to the int16 range; NaN becomes 0. */
export function toInt16(sample: number): number {
  if (sample >= 32767) return 32767;
  if (sample <= -32768) return -32768;
  return sample | 0;
}
