import { readWav, Resampler, writeWav } from '@vr3/codec';
import { SimulatorError, SimulatorErrorCode } from '../errors.ts';
import { encodeWire, frameSamples, type WireFormat } from './wire-format.ts';

/**
 * PCM16 mono samples of a WAV file at `sampleRate`: the first channel is taken, and the audio is
 * resampled when the file's rate differs (8/16/24/48 kHz).
 */
export function wavToPcm(file: Uint8Array, sampleRate: number): Int16Array {
  let wav;
  try {
    wav = readWav(file);
  } catch (err) {
    throw new SimulatorError(SimulatorErrorCode.InvalidAudio, 'cannot read the WAV file', { cause: err });
  }
  const all = wav.samples;
  if (all === undefined) throw new SimulatorError(SimulatorErrorCode.InvalidAudio, 'the WAV file has no decodable samples');
  let mono = all;
  if (wav.channels > 1) {
    mono = new Int16Array(Math.floor(all.length / wav.channels));
    for (let i = 0; i < mono.length; i++) mono[i] = all[i * wav.channels]!;
  }
  if (wav.sampleRate === sampleRate) return mono;
  let resampler: Resampler;
  try {
    resampler = new Resampler(wav.sampleRate, sampleRate);
  } catch (err) {
    throw new SimulatorError(SimulatorErrorCode.InvalidAudio, `cannot resample ${wav.sampleRate} Hz audio to ${sampleRate} Hz`, { cause: err });
  }
  const body = resampler.process(mono);
  const tail = resampler.flush();
  const out = new Int16Array(body.length + tail.length);
  out.set(body);
  out.set(tail, body.length);
  // Drop the filter's group delay so the audio starts on time.
  return out.subarray(Math.min(resampler.delay, out.length));
}

/** A sine tone: `durationMs` of `freqHz` at `sampleRate`, peak `amplitude`. */
export function tone(freqHz: number, durationMs: number, sampleRate: number, amplitude = 8000): Int16Array {
  const n = Math.round((durationMs * sampleRate) / 1000);
  const out = new Int16Array(n);
  const step = (2 * Math.PI * freqHz) / sampleRate;
  for (let i = 0; i < n; i++) out[i] = Math.round(amplitude * Math.sin(step * i));
  return out;
}

/**
 * Cuts PCM16 audio into 20 ms frames of `format`, encoded and base64'd (the last frame padded with
 * silence): ready to drop into a provider's media frame.
 */
export function base64Frames(format: WireFormat, pcm: Int16Array): string[] {
  const per = frameSamples(format);
  const frames: string[] = [];
  const frame = new Int16Array(per);
  for (let off = 0; off < pcm.length; off += per) {
    frame.fill(0);
    frame.set(pcm.subarray(off, Math.min(off + per, pcm.length)));
    frames.push(Buffer.from(encodeWire(format, frame)).toString('base64'));
  }
  return frames;
}

/** A PCM16 WAV file of `samples` at `sampleRate`. */
export function pcmToWav(samples: Int16Array, sampleRate: number): Buffer {
  return writeWav({ sampleRate, samples });
}
