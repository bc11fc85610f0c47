/**
 * Cuts a reply streamed from the LLM into pieces worth speaking: speech starts with the first
 * sentence instead of after the whole reply. A piece ends at a sentence end (`.`, `!`, `?`, `…`,
 * and their full-width forms) or a line break, once it is long enough to sound natural; common
 * abbreviations and numbers (`Dr.`, `e.g.`, `3.5`) do not end a sentence.
 */

/** Shortest piece worth sending alone (a lone "Ok." is sent with what follows). */
const DEFAULT_MIN_CHARS = 12;

const ABBREVIATIONS = new Set(['mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'vs', 'etc', 'approx', 'no', 'inc', 'ltd', 'co']);

const FULL_WIDTH_ENDS = new Set(['。', '！', '？']);

/** Index just past the end of the first sentence end in `text` at or after `from`, or -1. */
function sentenceEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') return i + 1;
    if (FULL_WIDTH_ENDS.has(ch)) return i + 1;
    if (ch !== '.' && ch !== '!' && ch !== '?' && ch !== '…') continue;
    // Runs of end marks ("?!", "...") end together.
    let end = i + 1;
    while (end < text.length && '.!?…'.includes(text[end]!)) end++;
    // Closing quotes and brackets belong to the sentence.
    while (end < text.length && `"'”’)]`.includes(text[end]!)) end++;
    if (end >= text.length) return -1; // what follows decides: wait for more text
    if (!/\s/.test(text[end]!)) {
      i = end - 1;
      continue; // "3.5", "example.com"
    }
    if (ch === '.' && isAbbreviation(text, i)) {
      i = end - 1;
      continue;
    }
    return end;
  }
  return -1;
}

/** The word before the period at `dot` is an abbreviation or a single letter ("J. Smith"). */
function isAbbreviation(text: string, dot: number): boolean {
  let start = dot;
  while (start > 0 && /[A-Za-z.]/.test(text[start - 1]!)) start--;
  const word = text.slice(start, dot).toLowerCase();
  // Single letters ("J."), known abbreviations, and dotted short forms ("p.m.", "e.g.", "u.s.a.").
  return word.length === 1 || ABBREVIATIONS.has(word) || /^([a-z]{1,2}\.)+[a-z]{1,2}$/.test(word);
}

/** Collects streamed text and hands out complete sentences. */
export class SentenceChunker {
  private buffer = '';
  private readonly minChars: number;

  constructor(options: { minChars?: number } = {}) {
    this.minChars = options.minChars ?? DEFAULT_MIN_CHARS;
  }

  /** Adds a piece of the reply; returns the pieces now complete (trimmed, never empty). */
  push(delta: string): string[] {
    this.buffer += delta;
    const out: string[] = [];
    let from = 0;
    for (;;) {
      const end = sentenceEnd(this.buffer, from);
      if (end < 0) break;
      const piece = this.buffer.slice(0, end).trim();
      if (piece.length < this.minChars) {
        from = end; // too short alone: keep it with the next sentence
        continue;
      }
      out.push(piece);
      this.buffer = this.buffer.slice(end);
      from = 0;
    }
    return out;
  }

  /** The rest of the reply (at its end), if any. */
  flush(): string | undefined {
    const rest = this.buffer.trim();
    this.buffer = '';
    return rest === '' ? undefined : rest;
  }
}
