import { alawToLinear, mulawToLinear } from '@vr3/codec';
import type { AudioEncoding, MediaFormat } from '@vr3/protocol';

/** The audio format a provider puts on its socket (always mono): the protocol's {@link MediaFormat}. */
export type WireFormat = MediaFormat;

/** PCM16 ⇄ wire bytes, shared with the provider test peers. */
export { encodeWire, decodeWire } from '@vr3/providers/testing';

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
