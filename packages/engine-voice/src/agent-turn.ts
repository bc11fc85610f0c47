/**
 * One agent turn of a voice call as the conversation sees it: the segments it spoke (text and
 * audio length) and the assistant messages it added to the history, one per round (LLM request).
 * When the caller interrupts it, {@link cutToHeard} leaves in the history only what they heard.
 */
import type { ChatMessage } from '@vr3/vendors';
import { heardText, type SpokenSegment, type TextTiming } from './heard-text.ts';

/** A segment of an agent turn; `done` once its speech is complete. */
export interface TurnSegment {
  text: string;
  audioMs: number;
  done: boolean;
  /** The turn's round (LLM request) whose text it speaks. */
  round: number;
  /** The TTS's timings of the text (streaming vendors), from the segment's audio start. */
  timings?: TextTiming[] | undefined;
}

/** An assistant message of the history. */
export type AssistantMessage = Extract<ChatMessage, { role: 'assistant' }>;

/**
 * One agent turn (the greeting, a reply, a reprompt), from its start until it has played or was
 * interrupted. A reply that calls HTTP tools has several rounds: one LLM request each, its text
 * spoken as it streams, one assistant message each.
 */
export interface AgentTurn {
  /** Aborts the turn's LLM, TTS and tool requests on an interruption. */
  readonly controller: AbortController;
  readonly signal: AbortSignal;
  readonly segments: TurnSegment[];
  /** The round being generated. */
  round: number;
  /** The history's assistant message of each round, once its text is complete (none for a round that said nothing). */
  readonly messages: Array<AssistantMessage | undefined>;
  /** Set when the caller interrupted the turn: the text they heard. */
  heard?: string;
}

/** What the turn said, as its transcript: its rounds' texts in order. */
export function turnText(turn: AgentTurn): string {
  return turn.messages
    .map((m) => m?.content ?? '')
    .filter((text) => text !== '')
    .join(' ');
}

/** What the turn was saying: the text of every segment it gave to speech, in order. */
export function spokenText(turn: AgentTurn): string {
  return turn.segments
    .map((s) => s.text.trim())
    .filter((text) => text !== '')
    .join(' ');
}

/**
 * The caller heard `heardMs` of the turn's audio and interrupted it: sets `turn.heard` (the words
 * heard) and makes each round's history entry what was heard of it. A round's reply with tool calls
 * keeps its calls (its text may become `null`); a reply without calls leaves the history if nothing
 * of it was heard; a round still streaming gets an entry if some of it was heard.
 */
export function cutToHeard(turn: AgentTurn, heardMs: number, history: ChatMessage[]): string {
  const spoken = spokenSoFar(turn.segments);
  turn.heard = heardText(spoken, heardMs).text;
  let before = 0;
  for (let round = 0; round <= turn.round; round++) {
    const segments = spoken.filter((_, i) => turn.segments[i]!.round === round);
    const ms = segments.reduce((sum, seg) => sum + seg.audioMs, 0);
    const heard = heardText(segments, Math.min(ms, Math.max(0, heardMs - before))).text;
    before += ms;
    const message = turn.messages[round];
    if (message === undefined) {
      if (heard === '') continue;
      const added: AssistantMessage = { role: 'assistant', content: heard };
      turn.messages[round] = added;
      history.push(added);
    } else if (message.toolCalls !== undefined) message.content = heard === '' ? null : heard;
    else if (heard === '') {
      history.splice(history.indexOf(message), 1);
      turn.messages[round] = undefined;
    } else message.content = heard;
  }
  return turn.heard;
}

/**
 * The turn's segments for `heardText`. A segment still being synthesized gets the length its text
 * would have at the pace of the turn's complete segments (its audio so far when there are none).
 */
function spokenSoFar(segments: readonly TurnSegment[]): SpokenSegment[] {
  let ms = 0;
  let chars = 0;
  for (const s of segments) {
    if (!s.done) continue;
    ms += s.audioMs;
    chars += s.text.length;
  }
  const msPerChar = chars > 0 ? ms / chars : 0;
  return segments.map((s) => ({ text: s.text, audioMs: s.done ? s.audioMs : Math.max(s.audioMs, s.text.length * msPerChar), timings: s.timings }));
}
