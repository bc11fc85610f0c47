/**
 * The playback marks of a realtime call. A mark after each assistant item's audio
 * (`realtime-item:<generation>:<item_id>`) says, once played, that the caller heard all of it; a
 * barge-in's pause renews the generation and renames the marks it sends again, so a mark the
 * provider reports as cleared is told apart from its copy. One more mark follows the last words
 * (`end_call`, `transfer_call`, a silence hang-up): once played, the call ends.
 */

/** Prefix of an item's mark. */
const ITEM_MARK = 'realtime-item:';
/** Playback mark after the last words. */
export const ACTION_MARK = 'realtime-action';

/** The item marks of one call. */
export class ItemMarks {
  #generation = 0;

  /** The mark after item `itemId`'s audio, of the current generation. */
  of(itemId: string): string {
    return `${ITEM_MARK}${this.#generation}:${itemId}`;
  }

  /** A new generation (a pause): renames an item mark of an earlier one to it; other marks are kept. */
  renew(): (name: string) => string {
    const generation = ++this.#generation;
    return (name) => (name.startsWith(ITEM_MARK) ? `${ITEM_MARK}${generation}${name.slice(name.indexOf(':', ITEM_MARK.length))}` : name);
  }

  /** The item a played mark follows, when it is an item mark of the current generation. */
  itemOf(mark: string): string | undefined {
    if (!mark.startsWith(ITEM_MARK)) return undefined;
    const rest = mark.slice(ITEM_MARK.length);
    const colon = rest.indexOf(':');
    // A mark of an earlier generation was cleared by a pause (and sent again, renamed).
    if (colon < 0 || rest.slice(0, colon) !== String(this.#generation)) return undefined;
    return rest.slice(colon + 1);
  }
}
