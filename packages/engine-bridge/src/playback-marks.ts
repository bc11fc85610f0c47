/** What became of a bot's mark when the edge reports it: played, cut off by a clear, or not ours. */
export type MarkOutcome = 'played' | 'cut' | 'unknown';

/**
 * The bot's marks the caller has not heard yet, in order. A bot `clear` cuts every pending mark;
 * the edge then reports each as played (`onPlayed`), and the bridge answers it the way the bot's
 * protocol answers a cleared mark (Twilio-style: echoed; Plivo-style: never; `vr3`: `cleared: true`).
 * Names may repeat; each report takes the oldest pending mark of that name.
 */
export class PlaybackMarks {
  #pending: Array<{ name: string; cut: boolean }> = [];

  constructor(private readonly max: number) {}

  get size(): number {
    return this.#pending.length;
  }

  /** Records a mark sent to the edge; false (nothing recorded) when {@link max} marks are pending. */
  add(name: string): boolean {
    if (this.#pending.length >= this.max) return false;
    this.#pending.push({ name, cut: false });
    return true;
  }

  /** A clear: every pending mark will never be heard. */
  cut(): void {
    for (const m of this.#pending) m.cut = true;
  }

  /** The edge reports mark `name`. */
  played(name: string): MarkOutcome {
    const i = this.#pending.findIndex((m) => m.name === name);
    if (i < 0) return 'unknown';
    const [m] = this.#pending.splice(i, 1);
    return m!.cut ? 'cut' : 'played';
  }

  clear(): void {
    this.#pending = [];
  }
}
