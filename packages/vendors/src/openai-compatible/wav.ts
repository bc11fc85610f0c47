/**
 * A minimal RIFF/WAVE container around PCM16 LE samples, as the transcription endpoints expect.
 * Pure.
 */

/** Bytes of the canonical WAV header written by {@link pcm16ToWav}. */
export const WAV_HEADER_BYTES = 44;

/**
 * `pcm` (PCM16 little-endian, interleaved when `channels > 1`) inside a 44-byte WAV header.
 *
 * @throws RangeError for an odd byte count, a non-positive rate or channel count.
 */
export function pcm16ToWav(pcm: Uint8Array, sampleRate: number, channels = 1): Buffer {
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new RangeError('sampleRate must be a positive integer');
  if (!Number.isInteger(channels) || channels <= 0) throw new RangeError('channels must be a positive integer');
  if (pcm.byteLength % (2 * channels) !== 0) throw new RangeError('PCM16 data must hold whole sample frames');
  const out = Buffer.allocUnsafe(WAV_HEADER_BYTES + pcm.byteLength);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + pcm.byteLength, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16); // fmt chunk size
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(channels, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * channels * 2, 28); // byte rate
  out.writeUInt16LE(channels * 2, 32); // block align
  out.writeUInt16LE(16, 34); // bits per sample
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(pcm.byteLength, 40);
  out.set(pcm, WAV_HEADER_BYTES);
  return out;
}
