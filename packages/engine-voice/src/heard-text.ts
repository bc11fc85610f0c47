/**
 * What the caller actually heard of an agent's turn when they interrupted it: the turn's text cut
 * where playback stopped. A turn is spoken as consecutive TTS segments (a sentence each); playback
 * time comes from the provider's playback marks and the playback clock. Within the segment that was
 * playing, the cut uses the TTS's own timings (per character or per word) when it gave them, else
 * the share of the segment's audio that was played; a word cut in the middle counts as not heard.
 */

/** Where a piece of a segment's text ends in the segment's audio. */
export interface TextTiming {
  /** Offset in the segment's text just past the piece. */
  endChar: number;
  /** When the piece's audio ends, from the start of the segment's audio. */
  endMs: number;
}

/** One spoken piece of a turn. */
export interface SpokenSegment {
  text: string;
  /** Length of the segment's audio (as synthesized and queued for playback). */
  audioMs: number;
  /** The TTS's timings for the text, in order; absent when it gave none. */
  timings?: readonly TextTiming[] | undefined;
}

/** The heard part of a turn. */
export interface HeardText {
  text: string;
  /** Every segment was played to its end. */
  complete: boolean;
}

const isBoundary = (ch: string | undefined): boolean => ch === undefined || /[\s.,;:!?…"'”’)\]]/.test(ch);

/** `text` cut at `end`, backed off to the last whole word. */
function wholeWords(text: string, end: number): string {
  if (end >= text.length) return text.trim();
  if (end <= 0) return '';
  if (isBoundary(text[end])) return text.slice(0, end).trim();
  const space = text.lastIndexOf(' ', end - 1);
  return space <= 0 ? '' : text.slice(0, space).trim();
}

/** How much of one segment was heard after `playedMs` of its audio. */
function heardOf(segment: SpokenSegment, playedMs: number): string {
  if (playedMs >= segment.audioMs) return segment.text.trim();
  if (playedMs <= 0) return '';
  if (segment.timings && segment.timings.length > 0) {
    let end = 0;
    for (const t of segment.timings) {
      if (t.endMs > playedMs) break;
      end = t.endChar;
    }
    return wholeWords(segment.text, end);
  }
  return wholeWords(segment.text, Math.floor((segment.text.length * playedMs) / segment.audioMs));
}

/** The part of the turn made of `segments` the caller heard after `heardMs` of its audio was played. */
export function heardText(segments: readonly SpokenSegment[], heardMs: number): HeardText {
  const parts: string[] = [];
  let start = 0;
  let complete = true;
  for (const segment of segments) {
    const played = heardMs - start;
    if (played < segment.audioMs) complete = false;
    const heard = heardOf(segment, played);
    if (heard !== '') parts.push(heard);
    if (played < segment.audioMs) break;
    start += segment.audioMs;
  }
  return { text: parts.join(' '), complete };
}

/** Timings from per-character start times and durations (ElevenLabs' `alignment`). */
export function characterTimings(chars: readonly string[], startsMs: readonly number[], durationsMs: readonly number[]): TextTiming[] {
  const out: TextTiming[] = [];
  let offset = 0;
  for (let i = 0; i < chars.length; i++) {
    offset += chars[i]!.length;
    out.push({ endChar: offset, endMs: (startsMs[i] ?? 0) + (durationsMs[i] ?? 0) });
  }
  return out;
}

/**
 * Timings from words and their end times (Cartesia's word timestamps), located in `text` in order;
 * a word not found in the text is skipped.
 */
export function wordTimings(text: string, words: readonly string[], endsMs: readonly number[]): TextTiming[] {
  const out: TextTiming[] = [];
  let from = 0;
  for (let i = 0; i < words.length; i++) {
    const at = text.indexOf(words[i]!, from);
    if (at < 0) continue;
    from = at + words[i]!.length;
    out.push({ endChar: from, endMs: endsMs[i] ?? 0 });
  }
  return out;
}
