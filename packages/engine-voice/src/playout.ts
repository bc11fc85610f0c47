/**
 * The agent's audio of one turn on its way to the caller, through {@link AgentIO}: metered to
 * stay at most `leadMs` ahead of playback (the TTS is faster than real time; the edge holds only a
 * few seconds and what waits there is what a barge-in throws away), paused (a provider `clear`)
 * while a barge-in is decided, resumed from where the caller stopped hearing it, or stopped for
 * good. Positions are milliseconds of the turn's own audio; the session's playback clock (provider
 * playback marks and the real-time pacer) says how much of it the caller heard. A mark is placed
 * after each segment (it corrects that clock) and one after the turn's last audio (the turn ends
 * when the provider reports it played).
 *
 * Bounded: only audio the caller has not heard yet is kept, at most `maxKeptMs`; past it the oldest
 * is dropped (counted in {@link TurnPlayout.droppedMs}). The metering is `@vr3/agent`'s
 * {@link PlayoutMeter}: its one timer tops playback up when it has drained to half the lead, and is
 * cleared by {@link TurnPlayout.pause}, {@link TurnPlayout.stop} and {@link TurnPlayout.close}.
 */
import { PLAYOUT_METER_DEFAULTS, PlayoutMeter, type AgentIO } from '@vr3/agent';

/** Defaults of {@link TurnPlayoutOptions}. */
export const PLAYOUT_DEFAULTS = {
  /** Audio sent ahead of what the caller heard, at most (under the edge's 3 s outbound buffer). */
  leadMs: PLAYOUT_METER_DEFAULTS.leadMs,
  /** Unheard audio kept, at most (two minutes of speech). */
  maxKeptMs: 120_000,
} as const;

/** Options of {@link TurnPlayout}. */
export interface TurnPlayoutOptions {
  /** Bytes per millisecond of the session's PCM (32 for PCM16 at 16 kHz). */
  bytesPerMs: number;
  leadMs?: number | undefined;
  maxKeptMs?: number | undefined;
  /** Monotonic clock in ms, for {@link TurnPlayout.firstSentAt} (default `performance.now`). */
  now?: (() => number) | undefined;
}

interface KeptChunk {
  /** Turn position of the chunk's first byte, ms. */
  readonly fromMs: number;
  readonly bytes: Uint8Array;
}

/** One turn's audio at a time; {@link TurnPlayout.begin} starts the next. */
export class TurnPlayout {
  readonly #io: AgentIO;
  readonly #bytesPerMs: number;
  readonly #meter: PlayoutMeter;
  readonly #maxKeptBytes: number;
  #kept: KeptChunk[] = [];
  #keptBytes = 0;
  /** Turn audio given to {@link send} so far, ms. */
  #turnMs = 0;
  /** Turn audio handed to the edge so far (since the last pause), ms. */
  #sentMs = 0;
  /** Playback-clock position of the turn's position 0 (`clock = turn + offset`). */
  #offset = 0;
  /** Turn position where a pause stopped playback. */
  #pausedAt: number | undefined;
  #open = false;
  #generating = false;
  /** Turn positions of segment ends, and how many have been marked. */
  #segmentEnds: number[] = [];
  #marked = 0;
  /** Mark placed after the turn's last audio; its `onPlayed` ends the turn. */
  #endMark: string | undefined;
  #marks = 0;
  #droppedMs = 0;
  readonly #now: () => number;
  #firstSentAt: number | undefined;

  constructor(io: AgentIO, options: TurnPlayoutOptions) {
    this.#io = io;
    this.#now = options.now ?? (() => performance.now());
    this.#bytesPerMs = options.bytesPerMs;
    this.#meter = new PlayoutMeter(io.playback, () => this.#pump(), { leadMs: options.leadMs ?? PLAYOUT_DEFAULTS.leadMs });
    this.#maxKeptBytes = Math.ceil((options.maxKeptMs ?? PLAYOUT_DEFAULTS.maxKeptMs) * options.bytesPerMs);
  }

  /** A turn is being generated or played (or is paused). */
  get open(): boolean {
    return this.#open;
  }

  get paused(): boolean {
    return this.#pausedAt !== undefined;
  }

  /** Turn audio synthesized so far, ms. */
  get turnMs(): number {
    return this.#turnMs;
  }

  /** When the turn's first audio was handed to the provider (the clock of `now`), if it was. */
  get firstSentAt(): number | undefined {
    return this.#firstSentAt;
  }

  /** Turn audio synthesized that the caller has not heard yet, ms. */
  get unheardMs(): number {
    return this.#open ? Math.max(0, this.#turnMs - this.heardMs()) : 0;
  }

  /** Unheard audio dropped because more than `maxKeptMs` was waiting, ms. */
  get droppedMs(): number {
    return this.#droppedMs;
  }

  /** Starts a turn: its audio is queued after whatever is still playing. */
  begin(): void {
    this.#reset();
    this.#open = true;
    this.#generating = true;
    this.#offset = this.#io.playback.sentMs();
  }

  /** Queues turn audio; it goes out as playback makes room. `pcm` must not be changed afterwards. */
  send(pcm: Uint8Array): void {
    if (!this.#open || pcm.byteLength === 0) return;
    this.#trimHeard();
    this.#kept.push({ fromMs: this.#turnMs, bytes: pcm });
    this.#keptBytes += pcm.byteLength;
    while (this.#keptBytes > this.#maxKeptBytes && this.#kept.length > 1) {
      const dropped = this.#kept.shift()!;
      this.#keptBytes -= dropped.bytes.byteLength;
      this.#droppedMs += dropped.bytes.byteLength / this.#bytesPerMs;
    }
    this.#turnMs += pcm.byteLength / this.#bytesPerMs;
    this.#pump();
  }

  /** A segment ends here: a playback marker follows its audio. */
  segmentEnd(): void {
    if (!this.#open) return;
    this.#segmentEnds.push(this.#turnMs);
    this.#pump();
  }

  /** The turn's audio is complete: the turn ends once it has played. */
  end(): void {
    if (!this.#open) return;
    this.#generating = false;
    this.#pump();
  }

  /** Mark `name` was played: true when it ends the turn (its last audio was heard). */
  played(name: string): boolean {
    return this.#open && name === this.#endMark;
  }

  /** The turn's audio is complete, all sent, and the playback clock says the caller heard it. */
  get playedOut(): boolean {
    return this.#open && !this.#generating && this.#pausedAt === undefined && this.#sentMs >= this.#turnMs && this.heardMs() >= this.#turnMs;
  }

  /** Turn audio the caller has heard, ms. */
  heardMs(): number {
    if (this.#pausedAt !== undefined) return this.#pausedAt;
    return Math.min(this.#sentMs, Math.max(0, this.#io.playback.heardMs() - this.#offset));
  }

  /** Stops playback now (the provider drops what it buffered); the unheard audio is kept for {@link resume}. */
  pause(): void {
    if (!this.#open || this.#pausedAt !== undefined) return;
    this.#meter.cancel();
    this.#endMark = undefined; // marks reported after a clear are not playback
    const cleared = this.#io.clear();
    const at = Math.min(this.#sentMs, Math.max(0, cleared.heardMs - this.#offset));
    this.#pausedAt = at;
    this.#sentMs = at;
    this.#marked = this.#segmentEnds.findIndex((end) => end > at);
    if (this.#marked < 0) this.#marked = this.#segmentEnds.length;
  }

  /** Plays the rest of a paused turn, from where it stopped. */
  resume(): void {
    const from = this.#pausedAt;
    if (!this.#open || from === undefined) return;
    this.#pausedAt = undefined;
    this.#offset = this.#io.playback.sentMs() - from;
    this.#pump();
  }

  /** Ends the turn for good: clears what the caller has not heard. Returns the turn audio heard, ms. */
  stop(): number {
    if (!this.#open) return 0;
    if (this.#pausedAt === undefined) this.pause();
    const heard = this.#pausedAt ?? 0;
    this.#reset();
    return heard;
  }

  /**
   * Forgets the turn (it played out, or the next turn starts while it still plays): audio not sent
   * yet goes out at once, ahead of the next turn's. A paused turn's rest stays unsaid.
   */
  close(): void {
    if (this.#open && this.#pausedAt === undefined) {
      for (const chunk of this.#kept) this.#sendUnsent(chunk);
    }
    this.#reset();
  }

  /** Tops playback up (call as time passes: each caller audio frame); the playout's timer does it too. */
  pump(): void {
    this.#pump();
  }

  /** Sends kept audio up to `leadMs` ahead of playback, with its marks; schedules the next top-up. */
  #pump(): void {
    this.#meter.cancel();
    if (!this.#open || this.#pausedAt !== undefined) return;
    for (const chunk of this.#kept) {
      if (chunk.fromMs + chunk.bytes.byteLength / this.#bytesPerMs <= this.#sentMs) continue;
      if (!this.#meter.hasRoom) break;
      this.#markSegments(chunk.fromMs);
      this.#sendUnsent(chunk);
    }
    this.#markSegments(this.#sentMs);
    if (this.#sentMs < this.#turnMs) this.#meter.wait();
    else if (!this.#generating && this.#endMark === undefined) {
      this.#endMark = `vr3-voice-${++this.#marks}`;
      this.#io.mark(this.#endMark);
    }
  }

  /** Sends the part of `chunk` past what was sent. */
  #sendUnsent(chunk: KeptChunk): void {
    const endMs = chunk.fromMs + chunk.bytes.byteLength / this.#bytesPerMs;
    if (endMs <= this.#sentMs) return;
    const skip = this.#sentMs > chunk.fromMs ? Math.floor(((this.#sentMs - chunk.fromMs) * this.#bytesPerMs) / 2) * 2 : 0;
    this.#io.sendAudio(skip > 0 ? chunk.bytes.subarray(skip) : chunk.bytes);
    this.#firstSentAt ??= this.#now();
    this.#sentMs = endMs;
  }

  /** Marks the ends of segments at or before turn position `upToMs` that were not marked yet. */
  #markSegments(upToMs: number): void {
    while (this.#marked < this.#segmentEnds.length && this.#segmentEnds[this.#marked]! <= upToMs) {
      this.#marked++;
      this.#io.mark(`vr3-voice-${++this.#marks}`);
    }
  }

  /** Drops kept chunks that were sent and heard entirely. */
  #trimHeard(): void {
    if (this.#pausedAt !== undefined) return;
    const heard = this.heardMs();
    while (this.#kept.length > 0) {
      const first = this.#kept[0]!;
      if (first.fromMs + first.bytes.byteLength / this.#bytesPerMs > heard) break;
      this.#keptBytes -= first.bytes.byteLength;
      this.#kept.shift();
    }
  }

  #reset(): void {
    this.#meter.cancel();
    this.#kept = [];
    this.#keptBytes = 0;
    this.#turnMs = 0;
    this.#sentMs = 0;
    this.#pausedAt = undefined;
    this.#open = false;
    this.#generating = false;
    this.#segmentEnds = [];
    this.#marked = 0;
    this.#endMark = undefined;
    this.#firstSentAt = undefined;
  }
}
