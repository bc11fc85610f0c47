import { describe, expect, it } from 'vitest';
import { VadErrorCode } from './errors.ts';
import { createVadRuntime } from './runtime.ts';
import { SILERO_STATE_SIZE, SILERO_WINDOWS, type SileroSession } from './silero.ts';
import { runVad } from './testing/index.ts';
import type { VadEvent } from './vad-stream.ts';

/**
 * A stand-in for the Silero session that scores a window by its loudness, so the stream's
 * buffering, ordering, reset and close can be checked without the model. `hold` parks runs
 * until released.
 */
function loudnessSession(): SileroSession & { runs: number; hold: boolean; release(): void } {
  let parked: Array<() => void> = [];
  return {
    runs: 0,
    hold: false,
    release() {
      const p = parked;
      parked = [];
      p.forEach((f) => f());
    },
    async run(input, state, sampleRate) {
      this.runs++;
      const ctx = SILERO_WINDOWS[sampleRate].context;
      let peak = 0;
      for (let i = ctx; i < input.length; i++) peak = Math.max(peak, Math.abs(input[i]!));
      if (this.hold) await new Promise<void>((resolve) => parked.push(resolve));
      else await new Promise<void>((resolve) => setImmediate(resolve));
      return { probability: peak > 0.1 ? 0.95 : 0.02, state: new Float32Array(SILERO_STATE_SIZE).fill(state[0]! + 1) };
    },
    async close() {},
  };
}

/** `silenceMs` of zeros, `loudMs` of a loud square wave, `tailMs` of zeros, at 8 kHz. */
function burst(silenceMs: number, loudMs: number, tailMs: number): Int16Array {
  const ms = (n: number): number => n * 8;
  const out = new Int16Array(ms(silenceMs + loudMs + tailMs));
  for (let i = ms(silenceMs); i < ms(silenceMs + loudMs); i++) out[i] = i % 16 < 8 ? 12000 : -12000;
  return out;
}

function frames(samples: Int16Array, size = 160): Int16Array[] {
  const out: Int16Array[] = [];
  for (let i = 0; i < samples.length; i += size) out.push(samples.subarray(i, i + size));
  return out;
}

describe('VAD stream (model stand-in)', () => {
  it('reports speech edges in stream time from 20 ms frames, one probability per 32 ms window when asked', async () => {
    const runtime = createVadRuntime({ loadSilero: async () => loudnessSession() });
    const vad = await runtime.createVad({ sampleRate: 8000, emitProbabilities: true });
    expect(vad.engine).toBe('silero');
    const events = await runVad(vad, burst(1000, 1000, 1000));
    const edges = events.filter((e) => e.type !== 'probability');
    // Loud from 1000 ms: the window starting at 992 ms already holds loud samples.
    expect(edges).toEqual([
      { type: 'speech_start', atMs: 992 },
      { type: 'speech_end', atMs: 2016 },
    ]);
    const probs = events.filter((e) => e.type === 'probability');
    expect(probs.map((e) => e.atMs)).toEqual(Array.from({ length: Math.floor(24000 / 256) }, (_, i) => i * 32));
    await runtime.close();
  });

  it('processes pushes that are not awaited in order, each resolving its own windows', async () => {
    const runtime = createVadRuntime({ loadSilero: async () => loudnessSession() });
    const audio = burst(500, 800, 700);
    const awaited = await runVad(await runtime.createVad({ sampleRate: 8000 }), audio);
    // All 2 s are pushed before the first window runs: room for them, or the oldest would be dropped.
    const vad = await runtime.createVad({ sampleRate: 8000, maxBufferedMs: 2000 });
    const results = await Promise.all(frames(audio).map((f) => vad.push(f)));
    expect(vad.droppedMs).toBe(0);
    const all: VadEvent[] = [...results.flat(), ...(await vad.flush())];
    expect(all).toEqual(awaited);
    // Attribution: the push that completed the confirming window carries the event.
    const startIndex = results.findIndex((r) => r.some((e) => e.type === 'speech_start'));
    // Loud from 500 ms: window 15 (480 ms) is the first loud one, the 7th (window 21, ending at
    // sample 5632) confirms, and push 35 (samples 5600–5760) completes it.
    expect(startIndex).toBe(Math.ceil((22 * 256) / 160) - 1);
  });

  it('drops the oldest audio past maxBufferedMs when pushes outrun the model, and counts it', async () => {
    const session = loudnessSession();
    session.hold = true;
    const runtime = createVadRuntime({ loadSilero: async () => session });
    const vad = await runtime.createVad({ sampleRate: 8000, maxBufferedMs: 200 });
    const first = vad.push(new Int16Array(256)); // one window, parked in the model
    await new Promise((resolve) => setImmediate(resolve));
    const pending = frames(new Int16Array(8000)).map((f) => vad.push(f)); // 1 s while the model is stuck
    expect(vad.droppedMs).toBeGreaterThanOrEqual(1000 - 200 - 32);
    session.hold = false;
    session.release();
    await Promise.all([first, ...pending]);
    // The parked window plus the 200 ms kept (6 whole windows).
    expect(session.runs).toBe(1 + Math.floor(1600 / 256));
  });

  it('reset discards windows in flight and keeps the clock; close is idempotent and later pushes reject', async () => {
    const session = loudnessSession();
    const runtime = createVadRuntime({ loadSilero: async () => session });
    const vad = await runtime.createVad({ sampleRate: 8000, minSpeechMs: 0 });
    session.hold = true;
    const inFlight = vad.push(burst(0, 100, 0));
    await new Promise((resolve) => setImmediate(resolve)); // the first window is now in the model
    expect(session.runs).toBe(1);
    vad.reset();
    session.hold = false;
    session.release();
    expect(await inFlight).toEqual([]);
    expect(vad.speaking).toBe(false);
    // 100 ms already elapsed on the stream's clock: loud from 300 ms (sample 2400); windows now
    // start at sample 800 + 256k, and the one at 2336 (292 ms) is the first loud one.
    const events = await runVad(vad, burst(200, 300, 300));
    expect(events[0]).toEqual({ type: 'speech_start', atMs: 292 });

    vad.close();
    vad.close();
    await expect(vad.push(new Int16Array(160))).rejects.toMatchObject({ code: VadErrorCode.Closed });
    await expect(vad.flush()).rejects.toMatchObject({ code: VadErrorCode.Closed });
    await runtime.close();
    await expect(runtime.createVad({ sampleRate: 8000 })).rejects.toMatchObject({ code: VadErrorCode.Closed });
  });

  it('refuses bad options with vad_invalid_options', async () => {
    const runtime = createVadRuntime({ loadSilero: async () => loudnessSession() });
    for (const bad of [
      { sampleRate: 44100 },
      { sampleRate: 8000, threshold: 1.5 },
      { sampleRate: 8000, threshold: 0.5, stopThreshold: 0.6 },
      { sampleRate: 8000, minSilenceMs: -1 },
      { sampleRate: 8000, engine: 'energy' },
      { sampleRate: 8000, webrtcMode: 4 },
    ]) {
      await expect(runtime.createVad(bad as never)).rejects.toMatchObject({ code: VadErrorCode.InvalidOptions });
    }
  });
});
