/**
 * Audio the OpenAI stand-ins produce and inspect: a sine tone or silence as PCM16, G.711 μ-law /
 * A-law encode and decode (standard segment formulas), and a frame's RMS level.
 */

/** `samples` of a `frequencyHz` sine at `amplitude` (0–32767), PCM16 LE; `startSample` continues a tone across chunks. */
export function tonePcm16(samples: number, sampleRate: number, frequencyHz = 440, amplitude = 8000, startSample = 0): Buffer {
  const out = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    out.writeInt16LE(Math.round(amplitude * Math.sin((2 * Math.PI * frequencyHz * (startSample + i)) / sampleRate)), i * 2);
  }
  return out;
}

const MULAW_BIAS = 0x84;
const MULAW_CLIP = 32635;

/** One linear sample as μ-law. */
export function mulawEncodeSample(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  let s = Math.min(Math.abs(sample), MULAW_CLIP) + MULAW_BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  s = ~(sign | (exponent << 4) | mantissa) & 0xff;
  return s;
}

/** One μ-law byte as a linear sample. */
export function mulawDecodeSample(byte: number): number {
  const u = ~byte & 0xff;
  const t = (((u & 0x0f) << 3) + MULAW_BIAS) << ((u & 0x70) >> 4);
  return u & 0x80 ? MULAW_BIAS - t : t - MULAW_BIAS;
}

/** One linear sample as A-law. */
export function alawEncodeSample(sample: number): number {
  const sign = sample >= 0 ? 0x80 : 0;
  let s = Math.min(Math.abs(sample), 32767) >> 3;
  let exponent = 0;
  if (s >= 32) {
    exponent = 1;
    while (s >= 64 && exponent < 7) {
      s >>= 1;
      exponent++;
    }
  }
  const mantissa = exponent === 0 ? s >> 1 : (s >> 1) & 0x0f;
  return (sign | (exponent << 4) | mantissa) ^ 0x55;
}

/** One A-law byte as a linear sample. */
export function alawDecodeSample(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a & 0x70) >> 4;
  let t = (a & 0x0f) << 4;
  t += exponent === 0 ? 8 : 0x108;
  if (exponent > 1) t <<= exponent - 1;
  return a & 0x80 ? t : -t;
}

/** PCM16 LE → G.711 (`'pcmu'` μ-law or `'pcma'` A-law), one byte per sample. */
export function g711Encode(pcm: Uint8Array, law: 'pcmu' | 'pcma'): Buffer {
  const view = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const out = Buffer.alloc(view.length >> 1);
  const encode = law === 'pcmu' ? mulawEncodeSample : alawEncodeSample;
  for (let i = 0; i < out.length; i++) out[i] = encode(view.readInt16LE(i * 2));
  return out;
}

/** Root mean square of linear samples. */
export function rms(samples: ArrayLike<number>): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
  return Math.sqrt(sum / samples.length);
}
