/**
 * Where each assistant audio item of a realtime call sits on the call's playback timeline, and
 * what barge-in cuts: the item the caller was hearing ends at what they heard of it
 * (`conversation.item.truncate {audio_end_ms}`), items queued after it were not heard at all, and
 * the item's transcript is cut to the words heard. Pure: positions come from the session's
 * `PlaybackClock` (`sentMs` when an item's first audio was handed over, `heardMs` at the clear).
 */

/** One assistant audio item as played out. */
export interface PlayoutItem {
  readonly itemId: string;
  readonly responseId: string;
  /** Playback position (ms of agent audio sent) where the item's audio starts; set when its first audio is handed over. */
  startMs: number;
  /** Audio of the item received from the vendor so far, in ms. */
  audioMs: number;
  /** Audio of the item handed over for playback so far, in ms (≤ `audioMs`). */
  sentMs: number;
  /** When its first audio was handed over (the feed's clock); unset until then. */
  sentAt: number | undefined;
  /** The item's transcript as streamed so far. */
  transcript: string;
  /** Its response is done: no more audio will come for it. */
  complete: boolean;
}

/** What a barge-in cut of one item. */
export interface ItemCut {
  readonly itemId: string;
  readonly responseId: string;
  /** Audio of the item the caller heard, whole ms, within `[0, sentMs]`. */
  readonly audioEndMs: number;
  /** The transcript cut to the words heard. */
  readonly heardText: string;
  /** The item's whole transcript as streamed. */
  readonly fullText: string;
  /** When its first audio was handed over (see {@link PlayoutItem.sentAt}). */
  readonly sentAt: number | undefined;
}

/** Most items tracked at once; the oldest is forgotten past it (a response has one audio item). */
export const MAX_PLAYOUT_ITEMS = 32;

/** The assistant items of one call not yet played to their end. */
export class Playout {
  readonly #items = new Map<string, PlayoutItem>();

  /** The item `itemId` of `responseId`, created when new. */
  item(itemId: string, responseId: string): PlayoutItem {
    let item = this.#items.get(itemId);
    if (item === undefined) {
      if (this.#items.size >= MAX_PLAYOUT_ITEMS) this.#items.delete(this.#items.keys().next().value!);
      item = { itemId, responseId, startMs: 0, audioMs: 0, sentMs: 0, sentAt: undefined, transcript: '', complete: false };
      this.#items.set(itemId, item);
    }
    return item;
  }

  get(itemId: string): PlayoutItem | undefined {
    return this.#items.get(itemId);
  }

  /** Items of `responseId`, in order. */
  ofResponse(responseId: string): PlayoutItem[] {
    return [...this.#items.values()].filter((i) => i.responseId === responseId);
  }

  /** Forgets `itemId` (played to its end, or cut). */
  delete(itemId: string): void {
    this.#items.delete(itemId);
  }

  get size(): number {
    return this.#items.size;
  }

  /**
   * The caller stopped hearing agent audio at `heardMs`: every tracked item is settled. Items heard
   * to their end (and complete) are returned in `played`; the others in `cut`, with what was heard.
   * Forgets them all.
   */
  cutAt(heardMs: number): { played: PlayoutItem[]; cut: ItemCut[] } {
    const played: PlayoutItem[] = [];
    const cut: ItemCut[] = [];
    for (const item of this.#items.values()) {
      const heard = heardOf(item, heardMs);
      if (item.complete && heard >= item.audioMs) played.push(item);
      else {
        const audioEndMs = Number.isFinite(heard) ? Math.floor(heard) : 0;
        cut.push({
          itemId: item.itemId,
          responseId: item.responseId,
          audioEndMs,
          heardText: heardShare(item.transcript, audioEndMs, item.audioMs),
          fullText: item.transcript.trim(),
          sentAt: item.sentAt,
        });
      }
    }
    this.#items.clear();
    return { played, cut };
  }

  /**
   * The items complete and heard to their end at `heardMs` (the agent is paused there; the others
   * may still resume), in order. Forgets them.
   */
  playedAt(heardMs: number): PlayoutItem[] {
    const played = [...this.#items.values()].filter((item) => item.complete && heardOf(item, heardMs) >= item.audioMs);
    for (const item of played) this.#items.delete(item.itemId);
    return played;
  }
}

/**
 * When the caller heard the end of `item` (played to its end): `at`, the moment the playback
 * position was `heardMs`, less the audio played after the item.
 */
export const heardEndAt = (item: PlayoutItem, heardMs: number, at: number): number => at - Math.max(0, heardMs - (item.startMs + item.sentMs));

/** Audio of `item` heard at playback position `heardMs`, in `[0, sentMs]`. */
const heardOf = (item: PlayoutItem, heardMs: number): number => (item.sentMs > 0 ? Math.max(0, Math.min(item.sentMs, heardMs - item.startMs)) : 0);

const isBoundary = (ch: string | undefined): boolean => ch === undefined || /[\s.,;:!?…"'”’)\]]/.test(ch);

/**
 * The part of `text` heard after `heardMs` of its `audioMs` of audio: the played share of its
 * characters, backed off to the last whole word (a word cut in the middle was not heard).
 */
export function heardShare(text: string, heardMs: number, audioMs: number): string {
  if (heardMs <= 0 || audioMs <= 0) return '';
  if (heardMs >= audioMs) return text.trim();
  const end = Math.floor((text.length * heardMs) / audioMs);
  if (isBoundary(text[end])) return text.slice(0, end).trim();
  const space = text.lastIndexOf(' ', end - 1);
  return space <= 0 ? '' : text.slice(0, space).trim();
}
