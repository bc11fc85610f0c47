import {
  alawDecode,
  alawEncode,
  int16ToPcm16be,
  int16ToPcm16le,
  mulawDecode,
  mulawEncode,
  pcm16beToInt16,
  pcm16leToInt16,
} from '@vr3/codec';
import type { AudioEncoding, MediaFormat } from '@vr3/protocol';

/** Length of one media frame on the provider socket. */
export const FRAME_MS = 20;

/** True on little-endian hosts (every platform Node supports in practice): PCM16 LE bytes are then Int16Array memory. */
export const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** How one wire encoding maps to and from PCM16 samples. */
export interface WireCodec {
  /** Bytes per sample on the wire. */
  readonly bytesPerSample: 1 | 2;
  /** The byte that encodes silence (for padding a partial last frame). */
  readonly silenceByte: number;
  /**
   * Decodes `src` (a whole number of samples), into `dst` where the codec supports it; the result
   * may borrow `dst` or `src` (PCM16 LE: a view of `src` when its byteOffset is even) and is valid
   * until either is reused.
   */
  decode(src: Uint8Array, dst: Int16Array): Int16Array;
  /**
   * Encodes PCM16 samples to wire bytes: into `dst` where given and the codec supports it (G.711),
   * else a new Buffer (from Node's pool where small).
   */
  encode(pcm: Int16Array, dst?: Uint8Array): Uint8Array;
}

/** Every encoding of `AudioEncoding`, as one table. */
export const WIRE_CODECS = {
  mulaw: { bytesPerSample: 1, silenceByte: 0xff, decode: mulawDecode, encode: (pcm, dst) => mulawEncode(pcm, dst ?? Buffer.allocUnsafe(pcm.length)) },
  alaw: { bytesPerSample: 1, silenceByte: 0xd5, decode: alawDecode, encode: (pcm, dst) => alawEncode(pcm, dst ?? Buffer.allocUnsafe(pcm.length)) },
  pcm16le: { bytesPerSample: 2, silenceByte: 0, decode: (src) => pcm16leToInt16(src), encode: (pcm) => int16ToPcm16le(pcm) },
  pcm16be: { bytesPerSample: 2, silenceByte: 0, decode: (src) => pcm16beToInt16(src), encode: (pcm) => int16ToPcm16be(pcm) },
} as const satisfies Record<AudioEncoding, WireCodec>;

/** Bytes of one {@link FRAME_MS} frame of `encoding` at `sampleRate`. */
export function frameBytes(codec: WireCodec, sampleRate: number): number {
  return ((sampleRate * FRAME_MS) / 1000) * codec.bytesPerSample;
}

/** A Buffer view over a Uint8Array's bytes (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Duration in milliseconds of `bytes` of audio in `format` (0 for an unknown encoding). */
export function payloadMs(format: { encoding: string; sampleRate: number }, bytes: number): number {
  const codec = (WIRE_CODECS as Record<string, WireCodec | undefined>)[format.encoding];
  return codec ? (bytes / codec.bytesPerSample / format.sampleRate) * 1000 : 0;
}

/** True when both formats carry the same bytes (same encoding and rate): audio passes through untouched. */
export function sameFormat(a: MediaFormat, b: MediaFormat): boolean {
  return a.encoding === b.encoding && a.sampleRate === b.sampleRate;
}

/** Bytes of `ms` milliseconds of audio in `format` (0 for an unknown encoding). */
export function payloadBytes(format: { encoding: string; sampleRate: number }, ms: number): number {
  const codec = (WIRE_CODECS as Record<string, WireCodec | undefined>)[format.encoding];
  return codec ? (ms / 1000) * format.sampleRate * codec.bytesPerSample : 0;
}
