/**
 * The conversation of one realtime call on the session's clock (ms since `start`): each line is
 * emitted as a `transcript` run event and kept, with the token usage, for the run's
 * `gathered_context` at close. Caller lines span the server VAD's speech (from {@link CallerTurns});
 * agent lines span from an item's first audio handed to the edge to its last audio heard, or to the
 * interruption, with `reply` beside the heard `text` when the item was cut short.
 */
import { fittedLine, type AgentIO, type TranscriptEntry } from '@vr3/agent';
import { RealtimeCallRecord } from './call-record.ts';
import { CallerTurns } from './caller-turns.ts';
import { heardEndAt, type PlayoutItem } from './playout.ts';

/** See the module comment. */
export class CallTranscript {
  readonly #now: () => number;
  readonly #record = new RealtimeCallRecord();
  readonly #callerTurns = new CallerTurns();
  #io: AgentIO | null = null;
  /** When the session started (the clock of `now`). */
  #startedAt = 0;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** The session starts now: lines go to `io`. */
  start(io: AgentIO): void {
    this.#io = io;
    this.#startedAt = this.#now();
  }

  /** The session's clock: ms since the session started (at `t`, default now). */
  sessionMs(t = this.#now()): number {
    return Math.max(0, Math.round(t - this.#startedAt));
  }

  /** `ms` of caller audio was appended to the vendor's input buffer just now. */
  callerAudio(ms: number): void {
    this.#callerTurns.appended(ms, this.sessionMs());
  }

  /** The server VAD heard the caller start speaking in `itemId`, at `audioStartMs` of the input buffer. */
  speechStarted(itemId: string, audioStartMs: number): void {
    this.#callerTurns.started(itemId, audioStartMs);
  }

  /** The server VAD heard the caller stop speaking in `itemId`, at `audioEndMs` of the input buffer. */
  speechStopped(itemId: string, audioEndMs: number): void {
    this.#callerTurns.stopped(itemId, audioEndMs);
  }

  /** The vendor's transcript of the caller's `itemId` (empty: no words, no line). */
  callerSaid(itemId: string, text: string): void {
    const span = this.#callerTurns.take(itemId, this.sessionMs());
    if (text !== '') this.#line({ role: 'caller', text, ...span });
  }

  /** A key press, as the model reads it, now. */
  keyPressed(text: string): void {
    const at = this.sessionMs();
    this.#line({ role: 'caller', text, start_ms: at, end_ms: at });
  }

  /** An item heard to its end, the playback position `heardMs` at `at` (session ms). */
  played(item: PlayoutItem, heardMs: number, at: number): void {
    this.agent(item.transcript.trim(), item.sentAt, Math.max(0, Math.round(heardEndAt(item, heardMs, at))));
  }

  /**
   * An agent line, from its first audio handed over (`sentAt`, the clock of `now`; `endMs` when
   * none was) to `endMs` (session ms). `reply`: the item was cut short, `text` is what was heard.
   */
  agent(text: string, sentAt: number | undefined, endMs: number, reply?: string): void {
    if (text === '') return;
    const startMs = sentAt === undefined ? endMs : Math.min(this.sessionMs(sentAt), endMs);
    const cut = reply === undefined ? {} : reply === text ? { interrupted: true as const } : { interrupted: true as const, reply };
    this.#line({ role: 'agent', text, start_ms: startMs, end_ms: endMs, ...cut });
  }

  /** A `response.done`'s `usage` (absent or malformed counts add nothing). */
  usage(usage: unknown): void {
    this.#record.response(usage);
  }

  /** Sets `gathered_context.usage`, then `.transcript` (two updates: each under the run event cap); no lines after it. */
  close(): void {
    this.#io?.setContext({ usage: this.#record.usage });
    this.#io?.setContext(this.#record.transcriptContext());
    this.#io = null;
  }

  /** Emits a transcript run event and keeps the line for the run's final transcript. */
  #line(line: TranscriptEntry): void {
    const io = this.#io;
    if (io === null) return;
    const entry = fittedLine(line);
    this.#record.line(entry);
    io.emit({ type: 'transcript', data: { ...entry, final: true } });
  }
}
