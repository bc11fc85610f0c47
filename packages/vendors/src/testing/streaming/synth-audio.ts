/**
 * Audio the TTS stand-ins speak: a 440 Hz tone or silence of a given length, as 16-bit LE PCM or
 * G.711 μ-law, at any sample rate. The tone's phase carries over between chunks of one context.
 */

/** What a TTS stand-in sends: a tone (audible, non-zero bytes) or digital silence. */
export type SynthSound = 'tone' | 'silence';

const TONE_HZ = 440;
const TONE_AMPLITUDE = 8000;

/** Bytes of `durationMs` of audio. */
export function synthByteLength(encoding: 'pcm_s16le' | 'mulaw', sampleRate: number, durationMs: number): number {
  const samples = Math.round((sampleRate * durationMs) / 1000);
  return encoding === 'mulaw' ? samples : samples * 2;
}

/**
 * `durationMs` of `sound` starting at sample `firstSample` of the context (for a continuous tone).
 * Returns the audio and the next sample index.
 */
export function synthAudio(
  encoding: 'pcm_s16le' | 'mulaw',
  sampleRate: number,
  durationMs: number,
  sound: SynthSound,
  firstSample = 0,
): { audio: Buffer; nextSample: number } {
  const samples = Math.round((sampleRate * durationMs) / 1000);
  const audio = Buffer.alloc(encoding === 'mulaw' ? samples : samples * 2);
  for (let i = 0; i < samples; i++) {
    const value = sound === 'tone' ? Math.round(TONE_AMPLITUDE * Math.sin((2 * Math.PI * TONE_HZ * (firstSample + i)) / sampleRate)) : 0;
    if (encoding === 'mulaw') audio[i] = linearToMulaw(value);
    else audio.writeInt16LE(value, i * 2);
  }
  return { audio, nextSample: firstSample + samples };
}

/** G.711 μ-law of one 16-bit sample. */
function linearToMulaw(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  const magnitude = Math.min(Math.abs(sample), 32635) + 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}
