import {
  alawDecode,
  alawEncode,
  alawToLinear,
  int16ToPcm16be,
  int16ToPcm16le,
  mulawDecode,
  mulawEncode,
  mulawToLinear,
  pcm16beToInt16,
  pcm16leToInt16,
} from '@vr3/codec';
import type { AudioEncoding } from '@vr3/protocol';

/** The audio format a provider puts on its socket. Always mono. */
export interface WireFormat {
  readonly encoding: AudioEncoding;
  /** Samples per second. */
  readonly sampleRate: number;
}

/** Length of one media frame a simulated provider sends. */
export const FRAME_MS = 20;

/** Bytes per sample of `encoding` on the wire. */
export function bytesPerSample(encoding: AudioEncoding): 1 | 2 {
  return encoding === 'mulaw' || encoding === 'alaw' ? 1 : 2;
}

/** Samples in one {@link FRAME_MS} frame at `sampleRate`. */
export function frameSamples(format: WireFormat): number {
  return (format.sampleRate * FRAME_MS) / 1000;
}

/** Bytes in one {@link FRAME_MS} frame. */
export function frameBytes(format: WireFormat): number {
  return frameSamples(format) * bytesPerSample(format.encoding);
}

/** Encodes PCM16 samples to wire bytes (a new buffer). */
export function encodeWire(format: WireFormat, pcm: Int16Array): Uint8Array {
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

/** Decodes wire bytes to PCM16 samples (a trailing odd byte of 16-bit audio is ignored). */
export function decodeWire(format: WireFormat, bytes: Uint8Array): Int16Array {
  switch (format.encoding) {
    case 'mulaw':
      return mulawDecode(bytes);
    case 'alaw':
      return alawDecode(bytes);
    case 'pcm16le':
      return pcm16leToInt16(bytes.subarray(0, bytes.length & ~1)).slice();
    case 'pcm16be':
      return pcm16beToInt16(bytes.subarray(0, bytes.length & ~1));
  }
}

/** The linear value of sample `index` of wire bytes (no bounds check beyond returning 0). */
export function sampleAt(encoding: AudioEncoding, bytes: Uint8Array, index: number): number {
  switch (encoding) {
    case 'mulaw':
      return mulawToLinear(bytes[index] ?? 0xff);
    case 'alaw':
      return alawToLinear(bytes[index] ?? 0xd5);
    case 'pcm16le': {
      const v = (bytes[2 * index] ?? 0) | ((bytes[2 * index + 1] ?? 0) << 8);
      return (v << 16) >> 16;
    }
    case 'pcm16be': {
      const v = ((bytes[2 * index] ?? 0) << 8) | (bytes[2 * index + 1] ?? 0);
      return (v << 16) >> 16;
    }
  }
}
