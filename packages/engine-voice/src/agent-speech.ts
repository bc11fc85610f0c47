/**
 * The agent's side of a voice call: one turn at a time (the greeting, a reply, a reprompt), its
 * text spoken through the {@link Speaker} and metered out by the {@link TurnPlayout}, its segments
 * (text, audio length, the TTS's timings) kept for barge-in, and its transcript line once it was
 * heard to its end, when the caller cut it (only the words heard stay in the conversation), or when
 * the call ended. A line's span runs from the turn's first audio sent to its last audio played, or
 * to the interruption.
 */
import type { AgentIO, EngineLogger, TranscriptEntry } from '@vr3/agent';
import { int16ToPcm16le } from '@vr3/codec';
import type { ChatMessage } from '@vr3/vendors';
import { cutToHeard, spokenText, turnText, type AgentTurn, type AssistantMessage, type TurnSegment } from './agent-turn.ts';
import type { CallRecord } from './call-record.ts';
import type { TurnSpan } from './caller-speech.ts';
import { vendorFailure } from './errors.ts';
import type { SpokenSegment } from './heard-text.ts';
import type { TurnPlayout } from './playout.ts';
import type { Speaker } from './tts.ts';
import type { TurnClock } from './turn-clock.ts';
import { Stopped } from './turn-signals.ts';

/** What the agent speaks through (the session's). */
export interface AgentSpeechDeps {
  readonly tts: Speaker;
  readonly playout: TurnPlayout;
  readonly record: CallRecord;
  /** The conversation: a turn's last message joins it once spoken; an interruption cuts it to what was heard. */
  readonly history: ChatMessage[];
  /** The call's signal: a turn's requests end with it. */
  readonly signal: AbortSignal;
  readonly log: EngineLogger;
  /** The session's monotonic clock, ms. */
  now(): number;
  /** Audio samples per second of the TTS's PCM. */
  readonly sampleRate: number;
  /** Ms since the session started, at `t` of {@link now} (default: now). */
  sessionMs(t?: number): number;
  /** The call's I/O; throws {@link Stopped} once the call ended. */
  alive(): AgentIO;
  /** True once the call ended. */
  closed(): boolean;
  /** Stores a transcript line. */
  transcript(line: TranscriptEntry): void;
  /** The agent's turn stopped playing (heard to its end, cut, or the call ended). */
  stopped(): void;
}

/** See the module comment. */
export class AgentSpeech {
  readonly #deps: AgentSpeechDeps;
  /** The agent turn being generated or played. */
  #turn: AgentTurn | undefined;
  /** Segments of the latest agent turn: what barge-in cuts with `heardText`. */
  #segments: TurnSegment[] = [];

  constructor(deps: AgentSpeechDeps) {
    this.#deps = deps;
  }

  /** The turn being generated or played, if any. */
  get turn(): AgentTurn | undefined {
    return this.#turn;
  }

  /** Segments spoken in the latest turn (for barge-in). */
  get segments(): readonly SpokenSegment[] {
    return this.#segments.map(({ text, audioMs }) => ({ text, audioMs }));
  }

  /** Starts an agent turn; one still playing is complete (its audio is queued before this one's). */
  begin(): AgentTurn {
    this.#deps.alive();
    if (this.#turn !== undefined) this.playedOut();
    const controller = new AbortController();
    const turn: AgentTurn = { controller, signal: AbortSignal.any([this.#deps.signal, controller.signal]), segments: [], round: 0, messages: [] };
    this.#turn = turn;
    this.#segments = turn.segments;
    this.#deps.playout.begin();
    return turn;
  }

  /** Speaks `text` (one segment of the turn): the {@link Speaker}'s audio queued for playback, its timings kept for barge-in. */
  async speak(text: string, clock: TurnClock | undefined, turn: AgentTurn, round = turn.round): Promise<void> {
    const { playout, now } = this.#deps;
    const segment: TurnSegment = { text, audioMs: 0, done: false, round };
    turn.segments.push(segment);
    this.#deps.record.tts(text);
    try {
      for await (const piece of this.#deps.tts.speak(text, turn.signal)) {
        this.#deps.alive();
        if (turn.heard !== undefined) throw new Stopped();
        if (piece.type === 'timings') {
          (segment.timings ??= []).push(...piece.timings);
          continue;
        }
        if (clock) clock.ttsFirstAudio ??= now();
        playout.send(int16ToPcm16le(piece.pcm));
        segment.audioMs += (piece.pcm.length * 1000) / this.#deps.sampleRate;
        if (clock) clock.firstAudioSent ??= now();
      }
    } catch (err) {
      if (err instanceof Stopped || this.#deps.closed() || turn.heard !== undefined) throw new Stopped();
      throw vendorFailure('tts', err);
    }
    segment.done = true;
    playout.segmentEnd();
  }

  /**
   * The turn's text is complete and spoken: its last message (`text`, unless empty) joins the
   * history; its transcript follows once played.
   */
  generated(turn: AgentTurn, text: string): void {
    this.#deps.alive();
    if (turn.heard !== undefined || this.#turn !== turn) return;
    if (text !== '') {
      const message: AssistantMessage = { role: 'assistant', content: text };
      turn.messages[turn.round] = message;
      this.#deps.history.push(message);
    }
    this.#deps.playout.end();
  }

  /**
   * The current turn is over for the record: heard to its end, or the next turn starts while it
   * plays (then its line ends once its unheard audio will have played). Its transcript is final.
   */
  playedOut(): void {
    const turn = this.#turn;
    if (turn === undefined) return;
    this.#turn = undefined;
    const span = this.#span(this.#deps.sessionMs() + Math.round(this.#deps.playout.unheardMs));
    this.#deps.playout.close();
    this.#deps.stopped();
    const text = turnText(turn);
    if (text !== '') this.#deps.transcript({ role: 'agent', text, ...span });
  }

  /**
   * The caller interrupted: the turn's audio is stopped (the provider clears what it buffered), its
   * LLM and TTS requests are aborted, and the conversation keeps only the words the caller heard.
   * False when no turn was under way.
   */
  interrupt(speechMs: number): boolean {
    const turn = this.#turn;
    if (turn === undefined) return false;
    const { playout } = this.#deps;
    const sentMs = playout.turnMs;
    const span = this.#span(this.#deps.sessionMs());
    const heardMs = playout.stop();
    this.#turn = undefined;
    const reply = spokenText(turn);
    const heard = cutToHeard(turn, heardMs, this.#deps.history);
    turn.controller.abort();
    this.#deps.log.info({ heard_ms: Math.round(heardMs), spoken_ms: Math.round(sentMs), speech_ms: Math.round(speechMs) }, 'caller interrupted the agent');
    if (sentMs > 0) this.#deps.transcript({ role: 'agent', text: heard, ...span, interrupted: true, ...(reply === heard ? {} : { reply }) });
    return true;
  }

  /** The call ended: a turn still playing is kept as generated (nobody interrupted it), and stopped. */
  close(): void {
    const turn = this.#turn;
    const text = turn === undefined || turn.heard !== undefined ? '' : turnText(turn);
    if (text !== '') this.#deps.transcript({ role: 'agent', text, ...this.#span(this.#deps.sessionMs()) });
    turn?.controller.abort();
    this.#turn = undefined;
    this.#deps.playout.close();
    this.#deps.stopped();
    this.#segments = [];
  }

  /** The current turn's span: from its first audio sent (now if none was) to `endMs`. */
  #span(endMs: number): TurnSpan {
    const first = this.#deps.playout.firstSentAt;
    const start = first === undefined ? this.#deps.sessionMs() : this.#deps.sessionMs(first);
    return { start_ms: Math.min(start, endMs), end_ms: endMs };
  }
}
