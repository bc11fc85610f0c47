import { describe, expect, it } from 'vitest';
import { VadErrorCode } from './errors.ts';
import { createVadRuntime } from './runtime.ts';
import { loadSileroSession, type SileroSession } from './silero.ts';
import { loadWebRtcVad, type WebRtcVadModule } from './webrtc.ts';
import { loadVadFixture, runVad } from './testing/index.ts';
import type { VadEvent } from './vad-stream.ts';

const edges = (events: readonly VadEvent[]): VadEvent[] => events.filter((e) => e.type !== 'probability');

/** WebRTC VAD reacts on 20 ms frames and is less precise at onsets than Silero. */
const ONSET_TOLERANCE_MS = 150;

describe('WebRTC VAD fallback (WASM)', () => {
  it('is chosen when the Silero session cannot be created, told once to the logger, and finds speech', async () => {
    const warnings: Array<{ obj: object; msg: string }> = [];
    let loads = 0;
    const runtime = createVadRuntime({
      logger: { warn: (obj, msg) => warnings.push({ obj, msg }) },
      // A model that does not exist: the real loader fails the way a broken install would.
      loadSilero: () => {
        loads++;
        return loadSileroSession({ modelPath: '/nonexistent/silero_vad_v5.onnx' });
      },
    });
    const fixture = loadVadFixture('speech-after-silence-8k');
    const first = await runtime.createVad({ sampleRate: 8000 });
    const second = await runtime.createVad({ sampleRate: 8000 });
    expect([first.engine, second.engine]).toEqual(['webrtc', 'webrtc']);
    expect(loads).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.obj).toMatchObject({ engine: 'webrtc', err: { code: VadErrorCode.ModelUnavailable } });
    expect(await runtime.warmUp()).toBe('webrtc');

    const found = edges(await runVad(first, fixture.samples));
    const spoken = fixture.speech[0]!;
    expect(found[0]).toMatchObject({ type: 'speech_start' });
    expect(Math.abs(found[0]!.atMs - spoken.startMs)).toBeLessThanOrEqual(ONSET_TOLERANCE_MS);
    expect(found.at(-1)).toMatchObject({ type: 'speech_end' });
    expect(found.at(-1)!.atMs).toBeLessThanOrEqual(spoken.endMs + ONSET_TOLERANCE_MS);
    expect(edges(await runVad(second, loadVadFixture('silence-8k').samples))).toEqual([]);
    await runtime.close();
  });

  it('runs when configured (engine "webrtc") without loading the model, at 8 and 16 kHz', async () => {
    let loads = 0;
    const runtime = createVadRuntime({
      loadSilero: () => {
        loads++;
        return Promise.reject(new Error('must not load'));
      },
    });
    for (const name of ['speech-8k', 'speech-after-silence-16k'] as const) {
      const fixture = loadVadFixture(name);
      const vad = await runtime.createVad({ sampleRate: fixture.sampleRate, engine: 'webrtc', emitProbabilities: true });
      expect(vad.engine).toBe('webrtc');
      const events = await runVad(vad, fixture.samples);
      // One decision (0 or 1) per 20 ms frame.
      const probs = events.filter((e) => e.type === 'probability');
      expect(probs).toHaveLength(Math.floor(fixture.samples.length / (fixture.sampleRate / 50)));
      expect(new Set(probs.map((e) => e.probability))).toEqual(new Set([0, 1]));
      expect(Math.abs(edges(events)[0]!.atMs - fixture.speech[0]!.startMs), name).toBeLessThanOrEqual(ONSET_TOLERANCE_MS);
      vad.close();
      vad.close();
    }
    expect(loads).toBe(0);
  });

  it('frees each stream\'s WASM instance and frame buffer on close (and only once)', async () => {
    const live = { instances: 0, buffers: 0 };
    const runtime = createVadRuntime({
      loadWebRtc: async () => {
        const mod = await loadWebRtcVad();
        // The real module, with its allocations counted.
        return Object.assign(Object.create(mod) as WebRtcVadModule, {
          _fvad_new: () => (live.instances++, mod._fvad_new()),
          _fvad_free: (h: number) => (live.instances--, mod._fvad_free(h)),
          _malloc: (n: number) => (live.buffers++, mod._malloc(n)),
          _free: (p: number) => (live.buffers--, mod._free(p)),
        });
      },
    });
    const silence = loadVadFixture('silence-8k').samples.subarray(0, 1600);
    const vads = await Promise.all(Array.from({ length: 20 }, () => runtime.createVad({ sampleRate: 8000, engine: 'webrtc' })));
    expect(live).toEqual({ instances: 20, buffers: 20 });
    for (const vad of vads) {
      await runVad(vad, silence);
      vad.reset();
      vad.close();
      vad.close();
    }
    expect(live).toEqual({ instances: 0, buffers: 0 });
  });

  it('rejects vad_engine_unavailable when neither engine loads', async () => {
    const runtime = createVadRuntime({
      logger: { warn: () => {} },
      loadSilero: () => Promise.reject(new Error('no onnxruntime')) as Promise<SileroSession>,
      loadWebRtc: () => Promise.reject(new Error('no wasm')),
    });
    await expect(runtime.createVad({ sampleRate: 8000 })).rejects.toMatchObject({ code: VadErrorCode.EngineUnavailable });
  });
});
