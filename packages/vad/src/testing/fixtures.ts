/**
 * The committed WAV fixtures (packages/vad/fixtures, made by make-fixtures.sh with espeak-ng and
 * sox) and a helper that streams audio through a {@link Vad} in 20 ms frames, as a call would.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readWav } from '@vr3/codec';
import type { VadSampleRate } from '../options.ts';
import type { Vad, VadEvent } from '../vad-stream.ts';

/** Folder of the fixtures and their manifest `fixtures.json`. */
export const VAD_FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** The fixtures there (8 kHz unless named 16k; mono 16-bit PCM). */
export const VAD_FIXTURES = [
  'speech-8k',
  'speech-after-silence-8k',
  'speech-after-silence-16k',
  'silence-8k',
  'tone-440-8k',
] as const;

/** One of {@link VAD_FIXTURES}. */
export type VadFixtureName = (typeof VAD_FIXTURES)[number];

/** A fixture's audio and where its speech is (from the manifest). */
export interface VadFixture {
  readonly name: VadFixtureName;
  readonly sampleRate: VadSampleRate;
  readonly samples: Int16Array;
  readonly durationMs: number;
  /** Spoken intervals, ms from the start (empty for silence and tone). */
  readonly speech: ReadonlyArray<{ readonly startMs: number; readonly endMs: number }>;
}

interface ManifestEntry {
  sampleRate: VadSampleRate;
  samples: number;
  speech: Array<{ startMs: number; endMs: number }>;
}

/** Reads a fixture; throws if the WAV and the manifest disagree. */
export function loadVadFixture(name: VadFixtureName): VadFixture {
  const manifest = JSON.parse(fs.readFileSync(`${VAD_FIXTURES_DIR}fixtures.json`, 'utf8')) as Record<string, ManifestEntry>;
  const entry = manifest[name];
  if (!entry) throw new Error(`fixture ${name} is not in fixtures.json`);
  const wav = readWav(fs.readFileSync(`${VAD_FIXTURES_DIR}${name}.wav`));
  if (!wav.samples || wav.channels !== 1 || wav.sampleRate !== entry.sampleRate || wav.samples.length !== entry.samples) {
    throw new Error(`fixture ${name}.wav does not match fixtures.json`);
  }
  return {
    name,
    sampleRate: entry.sampleRate,
    samples: wav.samples,
    durationMs: (wav.samples.length * 1000) / entry.sampleRate,
    speech: entry.speech,
  };
}

/**
 * Pushes `samples` through `vad` in `frameMs` frames (awaiting each, as a call's audio arrives),
 * then flushes; returns every event in order.
 */
export async function runVad(vad: Vad, samples: Int16Array, frameMs = 20): Promise<VadEvent[]> {
  const frame = (vad.sampleRate * frameMs) / 1000;
  const events: VadEvent[] = [];
  for (let i = 0; i < samples.length; i += frame) events.push(...(await vad.push(samples.subarray(i, i + frame))));
  events.push(...(await vad.flush()));
  return events;
}
