/**
 * The model's audio on its way to the caller. A Realtime model streams a reply faster than it is
 * played, while the edge keeps only a few seconds per call (and drops the oldest beyond). The feed
 * keeps the reply here and hands it over only `aheadMs` ahead of playback, so nothing is dropped
 * and a barge-in has little queued at the provider to clear. Playback marks go in the same queue,
 * so each is placed right after the audio it follows.
 *
 * What was handed over and not yet heard is remembered, so a pause (the caller starting to speak
 * over the agent) can take it back: the provider drops it, and a resume plays it again from where
 * the caller stopped hearing it, at the same place on the playback timeline.
 */
import { PlayoutMeter, type AgentIO } from '@vr3/agent';
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
  /** Clock of {@link PlayoutItem.sentAt}, ms (default `performance.now`). */
  now?: (() => number) | undefined;
}

type Entry = { kind: 'audio'; item: PlayoutItem; audio: Uint8Array; ms: number } | { kind: 'mark'; name: string };
/** An entry handed over, at its playback position (`PlaybackClock.sentMs` before it). */
type Handed = Entry & { at: number };

/** One call's outbound agent audio and marks, in order. Owns one timer (its {@link PlayoutMeter}); {@link close} clears it. */
export class AgentAudioFeed {
  readonly #io: AgentIO;
  readonly #bytesPerMs: number;
  readonly #maxQueuedMs: number;
  readonly #now: () => number;
  #queue: Entry[] = [];
  #head = 0;
  #queuedMs = 0;
  /** Handed over and maybe not heard yet, in order (bounded by what the edge holds: about `aheadMs`). */
  #handed: Handed[] = [];
  /** When more audio may be handed over; its wake tops the edge up again. */
  readonly #meter: PlayoutMeter;
  #closed = false;
  #paused = false;
  readonly #bytesPerSample: number;
  /** Audio dropped because the queue was full, in ms. */
  droppedMs = 0;

  /** `bytesPerSample`: 1 for G.711, 2 for PCM16 (audio taken back is cut at whole samples). */
  constructor(io: AgentIO, bytesPerMs: number, options: AgentAudioFeedOptions = {}, bytesPerSample: 1 | 2 = 1) {
    this.#io = io;
    this.#bytesPerMs = bytesPerMs;
    this.#bytesPerSample = bytesPerSample;
    this.#maxQueuedMs = options.maxQueuedMs ?? OUTBOUND_DEFAULTS.maxQueuedMs;
    this.#now = options.now ?? (() => performance.now());
    const aheadMs = options.aheadMs ?? OUTBOUND_DEFAULTS.aheadMs;
    this.#meter = new PlayoutMeter(io.playback, () => this.#pump(), {
      leadMs: aheadMs,
      lowWaterMs: Math.max(0, aheadMs - OUTBOUND_DEFAULTS.minWaitMs),
      minWaitMs: OUTBOUND_DEFAULTS.minWaitMs,
    });
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

  /** True between {@link pause} and {@link resume} (or {@link clear}). */
  get paused(): boolean {
    return this.#paused;
  }

  /**
   * Stops handing audio over and takes back what was handed after `heardMs` (the playback
   * position at the provider's clear): it goes first in the queue again, cut at the position
   * heard, and each item's `sentMs` drops by what was taken back. Marks taken back are renamed by
   * `rename` (the provider may still report the old names as cleared). Returns the names of the
   * marks taken back, renamed.
   */
  pause(heardMs: number, rename: (name: string) => string): string[] {
    if (this.#closed) return [];
    this.#paused = true;
    this.#meter.cancel();
    const back: Entry[] = [];
    const marks: string[] = [];
    let backMs = 0;
    for (const e of this.#handed) {
      if (e.kind === 'mark') {
        if (e.at <= heardMs) continue;
        const name = rename(e.name);
        marks.push(name);
        back.push({ kind: 'mark', name });
        continue;
      }
      if (e.at + e.ms <= heardMs) continue;
      const skip = e.at >= heardMs ? 0 : Math.floor(((heardMs - e.at) * this.#bytesPerMs) / this.#bytesPerSample) * this.#bytesPerSample;
      const audio = skip > 0 ? e.audio.subarray(skip) : e.audio;
      if (audio.length === 0) continue;
      const ms = audio.length / this.#bytesPerMs;
      e.item.sentMs = Math.max(0, e.item.sentMs - ms);
      back.push({ kind: 'audio', item: e.item, audio, ms });
      backMs += ms;
    }
    this.#handed = [];
    for (const e of this.#queue.slice(this.#head)) {
      if (e.kind === 'audio') back.push(e);
      else {
        const name = rename(e.name);
        marks.push(name);
        back.push({ kind: 'mark', name });
      }
    }
    this.#queue = back;
    this.#head = 0;
    this.#queuedMs += backMs;
    return marks;
  }

  /** Hands audio over again after a {@link pause}, from where the caller stopped hearing it. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#pump();
  }

  /** Drops everything not yet handed over, and what a pause took back (barge-in). */
  clear(): void {
    this.#queue = [];
    this.#head = 0;
    this.#queuedMs = 0;
    this.#handed = [];
    this.#paused = false;
    this.#meter.cancel();
  }

  /** Drops everything and stops for good. Idempotent. */
  close(): void {
    this.#closed = true;
    this.clear();
  }

  #pump(): void {
    if (this.#meter.waiting || this.#closed || this.#paused) return;
    const io = this.#io;
    this.#forgetHeard();
    while (this.#head < this.#queue.length) {
      const entry = this.#queue[this.#head]!;
      if (entry.kind === 'mark') {
        this.#head++;
        this.#handed.push({ ...entry, at: io.playback.sentMs() });
        io.mark(entry.name);
        continue;
      }
      if (!this.#meter.hasRoom) {
        this.#meter.wait();
        return;
      }
      this.#head++;
      this.#queuedMs -= entry.ms;
      const { item } = entry;
      const at = io.playback.sentMs();
      if (item.sentMs === 0) item.startMs = at;
      item.sentAt ??= this.#now();
      this.#handed.push({ ...entry, at });
      io.sendAudio(entry.audio);
      item.sentMs += entry.ms;
    }
    this.#queue = [];
    this.#head = 0;
    this.#queuedMs = 0;
  }

  /** Forgets handed entries the caller has heard. */
  #forgetHeard(): void {
    const heard = this.#io.playback.heardMs();
    let n = 0;
    while (n < this.#handed.length) {
      const e = this.#handed[n]!;
      if ((e.kind === 'mark' ? e.at : e.at + e.ms) > heard) break;
      n++;
    }
    if (n > 0) this.#handed.splice(0, n);
  }
}
