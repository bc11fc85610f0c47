/**
 * The agent's speech on a realtime call, from the model's audio deltas to what the caller heard:
 * each assistant item is tracked on the playback timeline ({@link Playout}) and fed to the edge a
 * little ahead of playback ({@link AgentAudioFeed}), with a mark after it ({@link ItemMarks}) that
 * makes it a transcript line once played. Barge-in acts here: a pause takes back what was not
 * heard (the agent's lines heard so far are kept), a resume plays it on, a cut settles every item
 * at what was heard — each cut short is truncated at the vendor (the session's `truncate`) and
 * goes on the run as what was heard of it.
 */
import type { AgentIO, EngineLogger } from '@vr3/agent';
import type { CallTranscript } from './call-transcript.ts';
import { ItemMarks } from './item-marks.ts';
import { AgentAudioFeed, type AgentAudioFeedOptions } from './outbound.ts';
import { Playout, type ItemCut } from './playout.ts';

/** What {@link AgentSpeech} is built from. */
export interface AgentSpeechDeps {
  transcript: CallTranscript;
  log: EngineLogger;
  /** Audio bytes per ms of the wire format. */
  bytesPerMs: number;
  /** 1 for G.711, 2 for PCM16 (a stray byte of a PCM16 delta is dropped). */
  bytesPerSample: 1 | 2;
  /** The feed's options (its clock among them). */
  outbound: AgentAudioFeedOptions;
  /** An item was cut short by a barge-in: truncate it at the vendor (and drop its response's late deltas). */
  truncate: (cut: ItemCut) => void;
}

/** See the module comment. */
export class AgentSpeech {
  readonly #deps: AgentSpeechDeps;
  readonly #playout = new Playout();
  readonly #marks = new ItemMarks();
  #io: AgentIO | null = null;
  #feed: AgentAudioFeed | null = null;
  /** Inside `io.clear()`: item marks flushed by it are settled by the barge-in, not as played. */
  #clearing = false;
  /** When barge-in last paused the agent (session ms): an interruption's moment. */
  #pausedAt: number | undefined;

  constructor(deps: AgentSpeechDeps) {
    this.#deps = deps;
  }

  /** The call's I/O is there: audio may be fed to it. */
  start(io: AgentIO): void {
    this.#io = io;
    this.#feed = new AgentAudioFeed(io, this.#deps.bytesPerMs, this.#deps.outbound, this.#deps.bytesPerSample);
  }

  /** Started and not closed. */
  get started(): boolean {
    return this.#feed !== null;
  }

  /** Agent audio held here, not yet handed to the edge, ms. */
  get queuedMs(): number {
    return this.#feed?.queuedMs ?? 0;
  }

  /** Paused by a barge-in. */
  get paused(): boolean {
    return this.#feed?.paused === true;
  }

  /** Audio of item `itemId` (of `responseId`) for the caller; false when there was none to feed. */
  audio(itemId: string, responseId: string, delta: Uint8Array): boolean {
    const feed = this.#feed;
    if (feed === null) return false;
    // PCM16 in whole samples (the vendor sends whole samples; a stray byte is dropped).
    const audio = this.#deps.bytesPerSample === 2 && delta.length % 2 === 1 ? delta.subarray(0, delta.length - 1) : delta;
    if (audio.length === 0) return false;
    const item = this.#playout.item(itemId, responseId);
    item.audioMs += audio.length / this.#deps.bytesPerMs;
    feed.audio(item, audio);
    return true;
  }

  /** Transcript of item `itemId` (of `responseId`). */
  text(itemId: string, responseId: string, text: string): void {
    this.#playout.item(itemId, responseId).transcript += text;
  }

  /** Response `responseId` had audio. */
  hadAudio(responseId: string): boolean {
    return this.#playout.ofResponse(responseId).some((i) => i.audioMs > 0);
  }

  /** Response `responseId` is done: a mark follows each of its items' audio; an item without audio is a line at once. */
  responseDone(responseId: string): void {
    const feed = this.#feed;
    if (feed === null) return;
    for (const item of this.#playout.ofResponse(responseId)) {
      item.complete = true;
      if (item.audioMs > 0) feed.mark(this.#marks.of(item.itemId));
      else {
        this.#playout.delete(item.itemId);
        this.#deps.transcript.agent(item.transcript.trim(), undefined, this.#deps.transcript.sessionMs());
      }
    }
  }

  /** A playback mark after the agent's audio (the last words'). */
  mark(name: string): void {
    this.#feed?.mark(name);
  }

  /** Mark `mark` was played: true when it was an item's, now heard to its end. */
  played(mark: string): boolean {
    const itemId = this.#clearing ? undefined : this.#marks.itemOf(mark);
    const item = itemId === undefined ? undefined : this.#playout.get(itemId);
    if (item === undefined) return false;
    this.#playout.delete(item.itemId);
    this.#deps.transcript.played(item, this.#io?.playback.heardMs() ?? 0, this.#deps.transcript.sessionMs());
    return true;
  }

  /** Barge-in's pause: the provider drops what it buffered; what was not heard is held for a resume. */
  pause(): number {
    const heardMs = this.#clearProvider();
    const at = this.#deps.transcript.sessionMs();
    this.#pausedAt = at;
    const rename = this.#marks.renew();
    this.#feed?.pause(heardMs, rename);
    for (const item of this.#playout.playedAt(heardMs)) this.#deps.transcript.played(item, heardMs, at);
    return heardMs;
  }

  /** A false interruption: the agent plays on from where it stopped. */
  resume(): void {
    this.#pausedAt = undefined;
    this.#feed?.resume();
  }

  /** The caller interrupted: every item is cut at what was heard, and truncated at the vendor. */
  cut(heardMs: number): void {
    this.#feed?.clear();
    // The caller stopped hearing the agent at the pause (barge-in pauses before it cuts).
    const at = this.#pausedAt ?? this.#deps.transcript.sessionMs();
    this.#pausedAt = undefined;
    this.#settle(heardMs, at, true);
  }

  /** What the caller heard of the last words still goes on the run. */
  settleAtClose(): void {
    if (this.#io !== null && this.#playout.size > 0) this.#settle(this.#io.playback.heardMs(), this.#deps.transcript.sessionMs());
  }

  /** Stops the feed for good. */
  close(): void {
    this.#feed?.close();
    this.#feed = null;
    this.#io = null;
  }

  /** Tells the provider to drop the agent audio it holds; returns the playback position heard. */
  #clearProvider(): number {
    this.#clearing = true;
    try {
      return this.#io!.clear().heardMs;
    } finally {
      this.#clearing = false;
    }
  }

  /**
   * Settles every tracked item at `heardMs` (the playback position at `at`, session ms): those
   * heard to their end are agent transcript lines; the others are cut to what was heard (and, on a
   * barge-in, truncated at the vendor).
   */
  #settle(heardMs: number, at: number, truncate = false): void {
    const { played, cut } = this.#playout.cutAt(heardMs);
    for (const item of played) this.#deps.transcript.played(item, heardMs, at);
    for (const c of cut) {
      if (truncate) {
        this.#deps.truncate(c);
        this.#deps.log.debug({ item_id: c.itemId, audio_end_ms: c.audioEndMs }, 'agent item truncated at what was heard');
      }
      this.#deps.transcript.agent(c.heardText, c.sentAt, at, c.fullText);
    }
  }
}
