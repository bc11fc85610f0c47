/**
 * The model's audio on its way to the caller. A Realtime model streams a reply faster than it is
 * played, while the edge keeps only a few seconds per call (and drops the oldest beyond). The feed
 * keeps the reply here and hands it over only `aheadMs` ahead of playback, so nothing is dropped
 * and a barge-in has little queued at the provider to clear. Playback marks go in the same queue,
 * so each is placed right after the audio it follows.
 */
import type { AgentIO } from '@vr3/agent';
import type { PlayoutItem } from './playout.ts';

/** Defaults of {@link AgentAudioFeedOptions}. */
export const OUTBOUND_DEFAULTS = {
  /** Agent audio handed to the edge and not yet heard, at most (the edge holds 3 s). */
  aheadMs: 1000,
  /** Audio held here at most (two minutes); past it new audio is dropped and counted. */
  maxQueuedMs: 120_000,
  /** Shortest wait between two hand-overs. */
  minWaitMs: 20,
} as const;

/** Options of {@link AgentAudioFeed}. */
export interface AgentAudioFeedOptions {
  aheadMs?: number | undefined;
  maxQueuedMs?: number | undefined;
}

type Entry = { kind: 'audio'; item: PlayoutItem; audio: Uint8Array; ms: number } | { kind: 'mark'; name: string };

/** One call's outbound agent audio and marks, in order. Owns one timer; {@link close} clears it. */
export class AgentAudioFeed {
  readonly #io: AgentIO;
  readonly #bytesPerMs: number;
  readonly #aheadMs: number;
  readonly #maxQueuedMs: number;
  #queue: Entry[] = [];
  #head = 0;
  #queuedMs = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Audio dropped because the queue was full, in ms. */
  droppedMs = 0;

  constructor(io: AgentIO, bytesPerMs: number, options: AgentAudioFeedOptions = {}) {
    this.#io = io;
    this.#bytesPerMs = bytesPerMs;
    this.#aheadMs = options.aheadMs ?? OUTBOUND_DEFAULTS.aheadMs;
    this.#maxQueuedMs = options.maxQueuedMs ?? OUTBOUND_DEFAULTS.maxQueuedMs;
  }

  /** Audio held here, not yet handed over, in ms. */
  get queuedMs(): number {
    return this.#queuedMs;
  }

  /** Queues `audio` of `item` (copied by the caller if it must outlive the event). */
  audio(item: PlayoutItem, audio: Uint8Array): void {
    if (this.#closed) return;
    const ms = audio.length / this.#bytesPerMs;
    if (this.#queuedMs + ms > this.#maxQueuedMs) {
      this.droppedMs += ms;
      return;
    }
    this.#queue.push({ kind: 'audio', item, audio, ms });
    this.#queuedMs += ms;
    this.#pump();
  }

  /** Queues a playback mark after the audio queued so far. */
  mark(name: string): void {
    if (this.#closed) return;
    this.#queue.push({ kind: 'mark', name });
    this.#pump();
  }

  /** Drops everything not yet handed over (barge-in). */
  clear(): void {
    this.#queue = [];
    this.#head = 0;
    this.#queuedMs = 0;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Drops everything and stops for good. Idempotent. */
  close(): void {
    this.#closed = true;
    this.clear();
  }

  #pump(): void {
    if (this.#timer !== undefined || this.#closed) return;
    const io = this.#io;
    while (this.#head < this.#queue.length) {
      const entry = this.#queue[this.#head]!;
      if (entry.kind === 'mark') {
        this.#head++;
        io.mark(entry.name);
        continue;
      }
      const pending = io.playback.pendingMs();
      if (pending >= this.#aheadMs) {
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          this.#pump();
        }, Math.max(OUTBOUND_DEFAULTS.minWaitMs, pending - this.#aheadMs + OUTBOUND_DEFAULTS.minWaitMs));
        return;
      }
      this.#head++;
      this.#queuedMs -= entry.ms;
      const { item } = entry;
      if (item.sentMs === 0) item.startMs = io.playback.sentMs();
      io.sendAudio(entry.audio);
      item.sentMs += entry.ms;
    }
    this.#queue = [];
    this.#head = 0;
    this.#queuedMs = 0;
  }
}
