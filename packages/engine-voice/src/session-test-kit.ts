/**
 * Helpers of the session tests (not exported by the package): a VAD on the audio's own clock, and
 * caller audio fed frame by frame while the agent's audio plays in real time.
 */
import type { RecordingIO } from '@vr3/agent/testing';
import { SpeechGate, type Vad, type VadEvent } from '@vr3/vad';
import { VOICE_SAMPLE_RATE, type VoiceSession } from './session.ts';

/**
 * A VAD on the audio's own clock, like the real one: a speech probability per 32 ms window (0.95
 * in `speech`, 0.02 outside) and `speech_start`/`speech_end` from the same gate settings (200 ms).
 */
export function probabilityVad(speech: ReadonlyArray<{ startMs: number; endMs: number }>): Vad {
  const gate = new SpeechGate({ threshold: 0.7, stopThreshold: 0.55, minSpeechMs: 200, minSilenceMs: 200 });
  const WINDOW = 512;
  let samples = 0;
  let windows = 0;
  return {
    engine: 'silero',
    sampleRate: VOICE_SAMPLE_RATE,
    droppedMs: 0,
    get speaking() {
      return gate.speaking;
    },
    get quiet() {
      return gate.quiet;
    },
    push(pcm16) {
      samples += pcm16.length;
      const events: VadEvent[] = [];
      for (; (windows + 1) * WINDOW <= samples; windows++) {
        const atMs = windows * 32;
        const probability = speech.some((iv) => atMs + 16 >= iv.startMs && atMs + 16 < iv.endMs) ? 0.95 : 0.02;
        events.push({ type: 'probability', atMs, probability });
        const edge = gate.update(probability, atMs, 32);
        if (edge) events.push(edge);
      }
      return Promise.resolve(events);
    },
    flush: () => Promise.resolve([]),
    reset: () => {},
    close: () => {},
  };
}

/**
 * Caller audio from stream time `fromMs` to `toMs`, frame by frame, while the agent's audio plays in
 * real time (the caller hears 20 ms per frame); each frame's VAD result is handled before the next.
 * Returns the stream time of the frame after which `io.clears` first grew, if it did.
 */
export async function talkOver(s: VoiceSession, io: RecordingIO, fromMs: number, toMs: number, beforeClear?: () => void): Promise<number | undefined> {
  const clears = io.clears;
  let clearedAt: number | undefined;
  for (let t = fromMs; t < toMs; t += 20) {
    io.play(20);
    if (io.clears === clears) beforeClear?.();
    s.onAudio(new Uint8Array((VOICE_SAMPLE_RATE / 1000) * 20 * 2));
    await new Promise((r) => setImmediate(r));
    if (clearedAt === undefined && io.clears > clears) clearedAt = t + 20;
  }
  return clearedAt;
}

/** The `transcript` events' data as emitted (with their times). */
export const timedTranscripts = (io: RecordingIO) => io.events.flatMap((e) => (e.type === 'transcript' ? [e.data] : []));

/** The `transcript` events' data without their times (`start_ms`, `end_ms`: see {@link timedTranscripts}). */
export const transcripts = (io: RecordingIO) => timedTranscripts(io).map(({ start_ms: _start, end_ms: _end, ...line }) => line);

/** The run's `gathered_context.transcript` without its times. */
export const finalTranscript = (io: RecordingIO) =>
  (io.contexts.find((c) => 'transcript' in c)?.transcript as Array<Record<string, unknown>> | undefined)?.map(({ start_ms: _start, end_ms: _end, ...line }) => line);

/** `ms` of caller audio in 20 ms frames. */
export function speak(s: VoiceSession, ms: number): void {
  for (let t = 0; t < ms; t += 20) s.onAudio(new Uint8Array((VOICE_SAMPLE_RATE / 1000) * 20 * 2));
}
