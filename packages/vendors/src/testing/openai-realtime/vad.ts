/**
 * The Realtime stand-in's "server VAD": an energy detector over 20 ms frames of the session's
 * input format. Speech starts at the first loud frame and stops after `silenceMs` of quiet ones —
 * deterministic for synthetic input (a tone, then silence). Fed bytes, returns transitions.
 */
import { alawDecodeSample, mulawDecodeSample, rms } from '../openai-compatible/audio.ts';

/** An input format of the session: `audio/pcm` (PCM16 24 kHz), `audio/pcmu`, `audio/pcma` (8 kHz). */
export type StandInAudioFormat = 'audio/pcm' | 'audio/pcmu' | 'audio/pcma';

/** A VAD transition at a position of the input audio, in ms. */
export type VadTransition = { kind: 'start'; atMs: number } | { kind: 'stop'; atMs: number };

/** Options of {@link EnergyVad}. */
export interface EnergyVadOptions {
  /** RMS on the 16-bit scale above which a frame is speech. Default 500 (about −36 dBFS). */
  threshold?: number | undefined;
  /** Quiet time that ends speech. Default 300 ms. */
  silenceMs?: number | undefined;
}

const FRAME_MS = 20;

/** Bytes per ms and sample rate of each format. */
export function formatInfo(format: StandInAudioFormat): { sampleRate: number; bytesPerSample: number } {
  return format === 'audio/pcm' ? { sampleRate: 24_000, bytesPerSample: 2 } : { sampleRate: 8_000, bytesPerSample: 1 };
}

/** Milliseconds of `bytes` of audio in `format`. */
export function durationMs(bytes: number, format: StandInAudioFormat): number {
  const { sampleRate, bytesPerSample } = formatInfo(format);
  return (bytes / bytesPerSample / sampleRate) * 1000;
}

/** An energy VAD over one session's input. */
export class EnergyVad {
  readonly #threshold: number;
  readonly #silenceMs: number;
  #pending = Buffer.alloc(0);
  #positionMs = 0;
  #speaking = false;
  #quietMs = 0;

  constructor(options: EnergyVadOptions = {}) {
    this.#threshold = options.threshold ?? 500;
    this.#silenceMs = options.silenceMs ?? 300;
  }

  /** Whether speech is in progress. */
  get speaking(): boolean {
    return this.#speaking;
  }

  /** Feeds `audio` in `format`; returns the transitions it caused. */
  write(audio: Buffer, format: StandInAudioFormat): VadTransition[] {
    const { sampleRate, bytesPerSample } = formatInfo(format);
    const frameBytes = ((sampleRate * FRAME_MS) / 1000) * bytesPerSample;
    const data = this.#pending.length > 0 ? Buffer.concat([this.#pending, audio]) : audio;
    const out: VadTransition[] = [];
    let pos = 0;
    for (; pos + frameBytes <= data.length; pos += frameBytes) {
      const frame = data.subarray(pos, pos + frameBytes);
      const samples = new Array<number>(frame.length / bytesPerSample);
      for (let i = 0; i < samples.length; i++) {
        samples[i] = format === 'audio/pcm' ? frame.readInt16LE(i * 2) : format === 'audio/pcmu' ? mulawDecodeSample(frame[i]!) : alawDecodeSample(frame[i]!);
      }
      const loud = rms(samples) > this.#threshold;
      if (loud && !this.#speaking) {
        this.#speaking = true;
        out.push({ kind: 'start', atMs: this.#positionMs });
      }
      if (this.#speaking) {
        this.#quietMs = loud ? 0 : this.#quietMs + FRAME_MS;
        if (this.#quietMs >= this.#silenceMs) {
          this.#speaking = false;
          this.#quietMs = 0;
          out.push({ kind: 'stop', atMs: this.#positionMs + FRAME_MS });
        }
      }
      this.#positionMs += FRAME_MS;
    }
    this.#pending = Buffer.from(data.subarray(pos));
    return out;
  }
}
