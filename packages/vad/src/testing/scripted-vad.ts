/**
 * A model-free {@link Vad} for other packages' turn-taking tests: it reports the speech intervals
 * it is given when the pushed audio reaches them, whatever the samples are.
 */
import { VadError, VadErrorCode } from '../errors.ts';
import { VadEngine, type VadSampleRate } from '../options.ts';
import type { Vad, VadEvent } from '../vad-stream.ts';

/** Options of {@link createScriptedVad}. */
export interface ScriptedVadOptions {
  sampleRate: VadSampleRate;
  /** Speech intervals in stream time, in order and not overlapping. */
  speech: ReadonlyArray<{ startMs: number; endMs: number }>;
  /** What `engine` reports; default `silero`. */
  engine?: VadEngine;
}

/**
 * `speech_start {atMs: startMs}` is returned by the push that carries the stream past `startMs`,
 * `speech_end {atMs: endMs}` by the one past `endMs` (or by `flush`). `reset` forgets nothing but
 * an open interval; `close` makes later pushes reject `vad_closed`.
 */
export function createScriptedVad(options: ScriptedVadOptions): Vad & { readonly pushedMs: number } {
  const intervals = [...options.speech];
  let samples = 0;
  let next = 0;
  let speaking = false;
  let closed = false;
  const nowMs = (): number => (samples * 1000) / options.sampleRate;
  const due = (): VadEvent[] => {
    const events: VadEvent[] = [];
    for (;;) {
      const iv = intervals[next];
      if (!iv) break;
      if (!speaking && nowMs() > iv.startMs) {
        speaking = true;
        events.push({ type: 'speech_start', atMs: iv.startMs });
      } else if (speaking && nowMs() >= iv.endMs) {
        speaking = false;
        next++;
        events.push({ type: 'speech_end', atMs: iv.endMs });
      } else break;
    }
    return events;
  };
  const closedError = (): Promise<never> => Promise.reject(new VadError(VadErrorCode.Closed, 'VAD stream is closed'));
  return {
    engine: options.engine ?? VadEngine.Silero,
    sampleRate: options.sampleRate,
    droppedMs: 0,
    get speaking() {
      return speaking;
    },
    get quiet() {
      return !speaking;
    },
    get pushedMs() {
      return nowMs();
    },
    push(pcm16) {
      if (closed) return closedError();
      samples += pcm16.length;
      return Promise.resolve(due());
    },
    flush() {
      if (closed) return closedError();
      const events = due();
      const open = intervals[next];
      if (speaking && open) {
        speaking = false;
        next++;
        events.push({ type: 'speech_end', atMs: Math.min(open.endMs, nowMs()) });
      }
      return Promise.resolve(events);
    },
    reset() {
      if (speaking) next++;
      speaking = false;
    },
    close() {
      closed = true;
    },
  };
}
