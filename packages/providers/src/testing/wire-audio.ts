import { int16ToPcm16be, int16ToPcm16le, mulawDecode, mulawEncode, pcm16beToInt16, pcm16leToInt16, alawDecode, alawEncode } from '@vr3/codec';
import type { MediaFormat } from '@vr3/protocol';

/** PCM16 samples → wire bytes of `format` (test peers only: allocates). */
export function encodeWire(format: MediaFormat, pcm: Int16Array): Uint8Array {
  switch (format.encoding) {
    case 'mulaw':
      return mulawEncode(pcm);
    case 'alaw':
      return alawEncode(pcm);
    case 'pcm16le':
      return int16ToPcm16le(pcm);
    case 'pcm16be':
      return int16ToPcm16be(pcm);
  }
}

/** Wire bytes of `format` → PCM16 samples (a trailing odd byte of 16-bit audio is ignored). */
export function decodeWire(format: MediaFormat, bytes: Uint8Array): Int16Array {
  switch (format.encoding) {
    case 'mulaw':
      return mulawDecode(bytes, new Int16Array(bytes.length));
    case 'alaw':
      return alawDecode(bytes, new Int16Array(bytes.length));
    case 'pcm16le':
      return Int16Array.from(pcm16leToInt16(bytes.subarray(0, bytes.length - (bytes.length % 2))));
    case 'pcm16be':
      return Int16Array.from(pcm16beToInt16(bytes.subarray(0, bytes.length - (bytes.length % 2))));
  }
}

/** Milliseconds of audio in `bytes` of `format`. */
export function wireMs(format: MediaFormat, bytes: number): number {
  const bytesPerSample = format.encoding === 'pcm16le' || format.encoding === 'pcm16be' ? 2 : 1;
  return (bytes / bytesPerSample / format.sampleRate) * 1000;
}

/** A view of `bytes` as a Buffer (no copy). */
export function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
