/**
 * What the TTS stand-ins (ElevenLabs, Cartesia) share: the script of how they speak (audio
 * proportional to the text, pacing, hang), and a paced queue that sends one message per interval,
 * in order, and can drop what it still holds for a cancelled context.
 */
import type { SynthSound } from './synth-audio.ts';

/** How a TTS stand-in speaks. */
export interface TtsStandInScript {
  /** Audio per character of text, in ms. Default 40. */
  msPerChar?: number | undefined;
  /** Tone (default) or silence. */
  sound?: SynthSound | undefined;
  /** Delay before the first message of an idle queue, in ms. Default 0. */
  firstChunkDelayMs?: number | undefined;
  /** Delay between two messages, in ms. Default 5. */
  chunkIntervalMs?: number | undefined;
  /** Read everything, answer nothing. */
  hang?: boolean | undefined;
}

/** Defaults of {@link TtsStandInScript}. */
export const TTS_STAND_IN_DEFAULTS = Object.freeze({ msPerChar: 40, sound: 'tone' as SynthSound, firstChunkDelayMs: 0, chunkIntervalMs: 5 });

interface Item {
  contextId: string;
  send: () => void;
}

/** Sends queued messages one per interval, in order; owns its one timer. */
export class PacedQueue {
  readonly #firstDelayMs: number;
  readonly #intervalMs: number;
  #items: Item[] = [];
  #timer: NodeJS.Timeout | undefined;
  #sending = false;

  constructor(firstDelayMs: number, intervalMs: number) {
    this.#firstDelayMs = firstDelayMs;
    this.#intervalMs = intervalMs;
  }

  /** Queues `send` for `contextId`. */
  push(contextId: string, send: () => void): void {
    this.#items.push({ contextId, send });
    if (this.#timer === undefined && !this.#sending) this.#arm(this.#firstDelayMs);
  }

  /** Drops the queued messages of `contextId` but its first `keep`; returns how many were dropped. */
  drop(contextId: string, keep: number): number {
    let kept = 0;
    const before = this.#items.length;
    this.#items = this.#items.filter((item) => item.contextId !== contextId || kept++ < keep);
    return before - this.#items.length;
  }

  /** Drops everything and stops the timer. */
  clear(): void {
    this.#items = [];
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#sending = true;
      try {
        this.#items.shift()?.send();
      } finally {
        this.#sending = false;
      }
      if (this.#items.length > 0) this.#arm(this.#intervalMs);
    }, delayMs);
  }
}
